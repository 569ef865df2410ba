import type { TriggerAccepted, TriggerStatus } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import { PanApiError, type RunApiClient } from './api-client.ts';

export interface FollowTriggerOptions {
  signal?: AbortSignal;
  /** Each new state (pending, running, finished), as it is seen. */
  onChange?(status: TriggerStatus): void;
  /** The first wait between two polls, in ms; it grows by half each time up to `maxDelay`. */
  firstDelay?: number;
  maxDelay?: number;
}

/** Failed polls in a row (network, 5xx) before giving up. */
const MAX_FAILURES = 5;

/** Queues a run of the tenant (`POST /marketplace/tenants/:id/runs`): the id of its trigger. */
export async function startRun(api: RunApiClient, tenantId: string, mode: 'init' | 'normal'): Promise<string> {
  const accepted = await api.request<TriggerAccepted>('POST', paths.tenantRuns(tenantId), {
    body: { mode },
  });
  return accepted.trigger_id;
}

/** Whether a trigger's state is final: its run finished, or it was dead-lettered (it will never run). */
export function triggerEnded(state: TriggerStatus['state'] | 'starting'): boolean {
  return state === 'finished' || state === 'dead_letter';
}

/**
 * Follows a trigger (`GET /marketplace/triggers/:id`) until its run finished, polling with a
 * backoff only while it is pending or running. Resolves with the finished state; rejects on a
 * refusal (e.g. 404), after a few failed polls in a row, or with the signal's reason when aborted.
 */
export async function followTrigger(api: RunApiClient, triggerId: string, options: FollowTriggerOptions = {}): Promise<TriggerStatus> {
  const { signal, onChange, firstDelay = 250, maxDelay = 2000 } = options;
  let wait = firstDelay;
  let failures = 0;
  let last = '';
  for (;;) {
    try {
      const status = await api.get<TriggerStatus>(paths.trigger(triggerId), {}, signal);
      failures = 0;
      const key = `${status.state} ${status.run_id} ${status.run_status}`;
      if (key !== last) {
        last = key;
        onChange?.(status);
      }
      if (triggerEnded(status.state)) return status;
    } catch (error) {
      signal?.throwIfAborted();
      const transient = error instanceof PanApiError && (error.status === 0 || error.status >= 500);
      if (!transient || ++failures >= MAX_FAILURES) throw error;
    }
    await delay(wait, signal);
    wait = Math.min(wait * 1.5, maxDelay);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}

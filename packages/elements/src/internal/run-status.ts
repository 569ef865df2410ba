import { css } from 'lit';
import type { RunStatus, TriggerSource } from '@pan/contract';

/** The badge class of a run status: `run-status--ok`, `--failed`, `--running` or `--lost`. */
export function runStatusClass(status: RunStatus | string): string {
  const tone =
    status === 'Succeeded' ? 'ok' : status === 'Running' ? 'running' : status.startsWith('Failed') ? 'failed' : 'lost';
  return `run-status run-status--${tone}`;
}

const SOURCES: Record<TriggerSource, string> = { manual: 'Manual', api: 'API', webhook: 'Webhook', cron: 'Schedule' };

/** What started a run, in words ("Manual", "Schedule, Webhook"). */
export function describeSources(sources: TriggerSource[]): string {
  return [...new Set(sources.map((s) => SOURCES[s] ?? s))].join(', ');
}

/** A run's duration: "0.4 s", "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The run status badge (see `runStatusClass`). */
export const runStatusStyles = css`
  .run-status {
    display: inline-block;
    padding: 0.125rem var(--pan-space-xs);
    border-radius: var(--pan-radius-pill);
    background: var(--pan-color-surface-muted);
    color: var(--pan-color-text-secondary);
    font-size: var(--pan-font-size-xs);
    font-weight: 700;
    white-space: nowrap;
  }

  .run-status--ok {
    background: var(--pan-color-success-subtle);
    color: var(--pan-color-success);
  }

  .run-status--failed {
    background: var(--pan-color-danger-subtle);
    color: var(--pan-color-danger-strong);
  }

  .run-status--running {
    background: var(--pan-color-accent-subtle);
    color: var(--pan-color-accent-strong);
  }
`;

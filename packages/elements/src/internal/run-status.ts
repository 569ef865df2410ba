import { css } from 'lit';
import type { RunStatus, TriggerSource } from '@pan/contract';
import { msg, str } from './locale.ts';

import { formatList, formatNumber } from './format.ts';

/** The badge class of a run status: `run-status--ok`, `--failed`, `--running` or `--lost`. */
export function runStatusClass(status: RunStatus | string): string {
  const tone =
    status === 'Succeeded' ? 'ok' : status === 'Running' ? 'running' : status.startsWith('Failed') ? 'failed' : 'lost';
  return `run-status run-status--${tone}`;
}

const sourceName = (source: TriggerSource): string =>
  ({ manual: msg('Manual'), api: msg('API'), webhook: msg('Webhook'), cron: msg('Schedule') })[source] ?? source;

/** What started a run, in words ("Manual", "Schedule and Webhook"). */
export function describeSources(sources: TriggerSource[]): string {
  return formatList([...new Set(sources.map(sourceName))]);
}

/** A run status in words ("Succeeded", "Failed"); an unknown one as it is. */
export function describeRunStatus(status: RunStatus | string): string {
  const words: Record<string, string> = {
    Running: msg('Running'),
    Succeeded: msg('Succeeded'),
    'Failed (Integration Issue)': msg('Failed (Integration Issue)'),
    'Failed (Timeout)': msg('Failed (Timeout)'),
    'Failed (Resource Limit)': msg('Failed (Resource Limit)'),
    'Failed (Platform Issue)': msg('Failed (Platform Issue)'),
    'Failed (Refresh)': msg('Failed (Refresh)'),
    'Failed (Metadata Validation)': msg('Failed (Metadata Validation)'),
    Lost: msg('Lost'),
    'Handed Back': msg('Handed Back'),
  };

  return words[status] ?? status;
}

/** A run's duration: "0.4 s", "12 s", "3 min 4 s", "1 h 2 min" (numbers as `Intl` writes them). */
export function formatDuration(ms: number): string {
  const n = (value: number, digits = 0) => formatNumber(value, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (ms < 10_000) return msg(str`${n(ms / 1000, 1)} s`);
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return msg(str`${n(seconds)} s`);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return msg(str`${n(minutes)} min ${n(seconds % 60)} s`);
  return msg(str`${n(Math.floor(minutes / 60))} h ${n(minutes % 60)} min`);
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

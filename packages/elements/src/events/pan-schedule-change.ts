import type { Schedule } from '@pan/contract';

export interface PanScheduleChangeDetail {
  /** `undefined`: the integration's default; `null`: only when triggered. */
  schedule: Schedule | null | undefined;
  /** False while the cron expression or interval does not parse. */
  valid: boolean;
  /** The IANA time zone the schedule is read in. */
  timeZone: string;
  /** After downtime: one catch-up run (`once`) or none (`skip`). */
  missedFires: 'once' | 'skip';
}

/** The schedule editor's value changed (nothing is saved by the editor itself). */
export type PanScheduleChangeEvent = CustomEvent<PanScheduleChangeDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-schedule-change': PanScheduleChangeEvent;
  }
}

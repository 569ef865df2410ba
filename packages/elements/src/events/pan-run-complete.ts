import type { RunStatus } from '@pan/contract';

export interface PanRunCompleteDetail {
  tenantId: string;
  runId: string;
  /** How it ended: `Succeeded`, `Failed (...)`, `Lost` or `Handed Back`. */
  status: RunStatus;
}

/** A run started from this element (`pan-run-start`) ended. */
export type PanRunCompleteEvent = CustomEvent<PanRunCompleteDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-run-complete': PanRunCompleteEvent;
  }
}

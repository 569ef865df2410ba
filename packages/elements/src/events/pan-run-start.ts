export interface PanRunStartDetail {
  tenantId: string;
  /** Follow it with `GET /marketplace/triggers/:id`. */
  triggerId: string;
  mode: 'init' | 'normal';
  /** A Replay: the failed run whose triggers were queued again. */
  replayOf?: string;
}

/** The run API accepted a "Run now" or a Replay: the run is queued. */
export type PanRunStartEvent = CustomEvent<PanRunStartDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-run-start': PanRunStartEvent;
  }
}

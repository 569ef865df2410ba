export interface PanRunStartDetail {
  tenantId: string;
  /** Follow it with `GET /marketplace/triggers/:id`. */
  triggerId: string;
  mode: 'init' | 'normal';
}

/** The run API accepted a "Run now": the run is queued. */
export type PanRunStartEvent = CustomEvent<PanRunStartDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-run-start': PanRunStartEvent;
  }
}

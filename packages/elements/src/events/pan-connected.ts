export interface PanConnectedDetail {
  /** The connector's name, e.g. `hubspot`. */
  connector: string;
}

/** The user connected (or reconnected) an account: its credentials are stored for their integrations. */
export type PanConnectedEvent = CustomEvent<PanConnectedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-connected': PanConnectedEvent;
  }
}

export interface PanDisconnectedDetail {
  /** The connector's name, e.g. `hubspot`. */
  connector: string;
}

/** The user disconnected an account: its credentials were deleted; runs no longer get them. */
export type PanDisconnectedEvent = CustomEvent<PanDisconnectedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-disconnected': PanDisconnectedEvent;
  }
}

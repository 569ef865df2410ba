export interface PanReconnectNeededDetail {
  /** The connector's name, e.g. `hubspot`. */
  connector: string;
  /** Why, in plain words (e.g. "The refresh was refused: invalid_grant"); `null` when unknown. */
  reason: string | null;
}

/**
 * A connection shown to the user needs them to sign in again (its provider refused a refresh):
 * runs that need it fail until then. Sent once per connection each time an element shows it so.
 */
export type PanReconnectNeededEvent = CustomEvent<PanReconnectNeededDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-reconnect-needed': PanReconnectNeededEvent;
  }
}

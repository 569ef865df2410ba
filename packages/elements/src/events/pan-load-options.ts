export interface PanLoadOptionsDetail {
  /** The definition whose options the integration's init run publishes. */
  definition: string;
  /** The settings field that asked (its property name). */
  field: string;
}

/**
 * The user pressed "Load options" on a dynamic selector that has no options yet: run the tenant's
 * init run, then set `loadingOptions` while it runs and a new `form` with the options when done.
 */
export type PanLoadOptionsEvent = CustomEvent<PanLoadOptionsDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-load-options': PanLoadOptionsEvent;
  }
}

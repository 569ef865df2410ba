/** The integration an event is about: a small plain copy, never the live catalog object. */
export interface PanIntegrationRef {
  id: string;
  slug: string;
  name: string;
}

export interface PanInstallRequestDetail {
  integration: PanIntegrationRef;
}

/**
 * The user pressed Install. Cancelable: call `preventDefault()` to handle the install yourself
 * (the element then does nothing more).
 */
export type PanInstallRequestEvent = CustomEvent<PanInstallRequestDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-install-request': PanInstallRequestEvent;
  }
}

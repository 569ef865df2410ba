import type { PanIntegrationRef } from './pan-install-request.ts';

export interface PanExternalOpenDetail {
  integration: PanIntegrationRef;
  /** The integration's `external_url`, about to be opened in a new tab. */
  url: string;
}

/** The user pressed Visit on an external integration. Cancelable: prevents opening the tab. */
export type PanExternalOpenEvent = CustomEvent<PanExternalOpenDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-external-open': PanExternalOpenEvent;
  }
}

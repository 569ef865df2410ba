import type { PanIntegrationRef } from './pan-install-request.ts';

export interface PanUninstalledDetail {
  tenant: { id: string; integration: PanIntegrationRef };
}

/** The user uninstalled an integration (its tenant is archived; its history is kept). */
export type PanUninstalledEvent = CustomEvent<PanUninstalledDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-uninstalled': PanUninstalledEvent;
  }
}

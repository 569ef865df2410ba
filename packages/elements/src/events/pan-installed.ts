import type { PanIntegrationRef } from './pan-install-request.ts';

export interface PanInstalledDetail {
  tenant: { id: string; integration: PanIntegrationRef };
}

/** The user enabled an integration: its tenant now exists (settings, schedule and release saved). */
export type PanInstalledEvent = CustomEvent<PanInstalledDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-installed': PanInstalledEvent;
  }
}

import type { PanIntegrationRef } from './pan-install-request.ts';

export interface PanInstallCancelDetail {
  integration: PanIntegrationRef;
}

/** The user left an install flow before enabling: nothing was saved. */
export type PanInstallCancelEvent = CustomEvent<PanInstallCancelDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-install-cancel': PanInstallCancelEvent;
  }
}

import type { PanIntegrationRef } from './pan-install-request.ts';

export interface PanSettingsSavedDetail {
  tenant: { id: string; integration: PanIntegrationRef };
  /** What was saved. */
  changed: ('configs' | 'schedule' | 'status')[];
}

/** An installed integration's settings, schedule or status were saved on the server. */
export type PanSettingsSavedEvent = CustomEvent<PanSettingsSavedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-settings-saved': PanSettingsSavedEvent;
  }
}

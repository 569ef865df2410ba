export interface PanSettingsChangeDetail {
  /** The settings as they are now (a plain copy; dependent values the parent no longer allows are gone). */
  value: Record<string, unknown>;
  /** Whether `value` passes the form's validation (what the server checks too). */
  valid: boolean;
}

/**
 * The user changed a setting (also once when the form fills in defaults the value lacked).
 * Nothing is saved: the host decides when.
 */
export type PanSettingsChangeEvent = CustomEvent<PanSettingsChangeDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-settings-change': PanSettingsChangeEvent;
  }
}

export interface PanSettingsSubmitDetail {
  /** The valid settings to save (a plain copy). */
  value: Record<string, unknown>;
}

/**
 * The user submitted valid settings. Cancelable: call `preventDefault()` while you save them
 * yourself (the form then stays as it is, e.g. to show `serverErrors` after a 422). Not canceled,
 * the form takes the value as saved: its `serverErrors` are cleared and it is no longer `:state(dirty)`.
 */
export type PanSettingsSubmitEvent = CustomEvent<PanSettingsSubmitDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-settings-submit': PanSettingsSubmitEvent;
  }
}

export interface PanNavigateDetail {
  /**
   * `catalog`, `detail` (an integration page), `install` (its install flow), `my-integrations`
   * (the user's installed integrations), `tenant` (one installed integration's page) or
   * `connections` (the user's connected accounts).
   */
  view: 'catalog' | 'detail' | 'install' | 'my-integrations' | 'tenant' | 'connections';
  /** The integration shown, when the view is about one; `null` otherwise. */
  slug: string | null;
  /** The installed integration (tenant) shown by the `tenant` view. */
  tenantId?: string;
}

/** The user moved to another view (so a host can sync its URL). */
export type PanNavigateEvent = CustomEvent<PanNavigateDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-navigate': PanNavigateEvent;
  }
}

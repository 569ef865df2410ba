export interface PanNavigateDetail {
  view: 'catalog' | 'detail';
  /** The integration shown by the detail view; `null` for the catalog. */
  slug: string | null;
}

/** The user moved between the catalog and an integration page (so a host can sync its URL). */
export type PanNavigateEvent = CustomEvent<PanNavigateDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pan-navigate': PanNavigateEvent;
  }
}

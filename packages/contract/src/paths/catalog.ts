/**
 * Typed as their literal shapes: the catalog element writes these two out (its first load has a
 * size budget) and checks them against these types with `satisfies`.
 */
export const catalog = '/marketplace/catalog';
export const integration = (slug: string) => `/marketplace/integrations/${encodeURIComponent(slug)}` as const;

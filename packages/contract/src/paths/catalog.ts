// In the catalog's first load: kept as small as it minifies.
export const catalog = '/marketplace/catalog';
export const integration = (slug: string) => `/marketplace/integrations/${encodeURIComponent(slug)}`;

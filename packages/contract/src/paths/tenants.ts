const e = encodeURIComponent;

export const installPlan = (slug: string) => `/marketplace/integrations/${e(slug)}/install`;
export const tenants = '/marketplace/tenants';
export const tenant = (id: string) => `/marketplace/tenants/${e(id)}`;
export const tenantReleases = (id: string) => `/marketplace/tenants/${e(id)}/releases`;
export const tenantPause = (id: string) => `/marketplace/tenants/${e(id)}/pause`;
export const tenantResume = (id: string) => `/marketplace/tenants/${e(id)}/resume`;

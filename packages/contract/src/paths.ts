/**
 * The run API's paths, as its clients call them: the elements (the marketplace, Bearer JWT) and
 * the CLI (the host API, `/v2`, `X-API-KEY`). Values are URL-encoded here. The elements bundle
 * this module: one-liners only, no schema and no import. The run API's tests check that it
 * serves every one of them (test/routes/paths.test.ts).
 */
const e = encodeURIComponent;

// ---- the marketplace (the elements) ----

export const catalog = '/marketplace/catalog';
export const integration = (slug: string) => `/marketplace/integrations/${e(slug)}`;
export const installPlan = (slug: string) => `/marketplace/integrations/${e(slug)}/install`;
export const tenants = '/marketplace/tenants';
export const tenant = (id: string) => `/marketplace/tenants/${e(id)}`;
export const tenantPause = (id: string) => `/marketplace/tenants/${e(id)}/pause`;
export const tenantResume = (id: string) => `/marketplace/tenants/${e(id)}/resume`;
export const tenantRuns = (id: string) => `/marketplace/tenants/${e(id)}/runs`;
export const runLog = (id: string) => `/marketplace/runs/${e(id)}/log`;
export const trigger = (id: string) => `/marketplace/triggers/${e(id)}`;
export const connections = '/marketplace/connections';
export const connection = (connector: string) => `/marketplace/connections/${e(connector)}`;
export const connectionOAuth = (connector: string) => `/marketplace/connections/${e(connector)}/oauth`;
export const authOnly = '/marketplace/auth-only';
export const authOnlyInstall = (slug: string) => `/marketplace/auth-only/${e(slug)}/install`;

// ---- the host API (the CLI) ----

export const hostCategories = '/v2/marketplace/categories';
export const hostIntegration = (slugOrId: string) => `/v2/integrations/${e(slugOrId)}`;
export const hostReleases = (integration: string) => `/v2/integrations/${e(integration)}/releases`;
export const hostConnector = (name: string) => `/v2/connectors/${e(name)}`;
export const hostNotifications = '/v2/notifications';
export const hostNotificationSecret = '/v2/notifications/secret';
export const hostTenants = '/v2/tenants';
export const hostRunLog = (id: string) => `/v2/runs/${e(id)}/log`;

/** The host API (`/v2`, `X-API-KEY`), as the CLI calls it. */
const e = encodeURIComponent;

export const hostCategories = '/v2/marketplace/categories';
export const hostIntegration = (slugOrId: string) => `/v2/integrations/${e(slugOrId)}`;
export const hostReleases = (integration: string) => `/v2/integrations/${e(integration)}/releases`;
export const hostConnector = (name: string) => `/v2/connectors/${e(name)}`;
export const hostNotifications = '/v2/notifications';
export const hostNotificationSecret = '/v2/notifications/secret';
export const hostTenants = '/v2/tenants';
export const hostRunReplay = (id: string) => `/v2/runs/${e(id)}/replay`;
export const hostRunLog = (id: string) => `/v2/runs/${e(id)}/log`;
export const hostSourceControlBuild = '/v2/sourcecontrol/build';
export const hostSourceControlBuildStatus = (id: string) => `/v2/sourcecontrol/builds/${e(id)}`;
export const hostSourceWebhook = (integration: string) => `/v2/integrations/${e(integration)}/sourcecontrol/webhook`;

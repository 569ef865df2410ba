export { PanMarketplace } from './components/marketplace/marketplace.component.ts';
export { PanSettingsForm } from './components/settings-form/settings-form.component.ts';
export { PanConnections } from './components/connections/connections.component.ts';
export { PanAuthOnly } from './components/auth-only/auth-only.component.ts';
export { PanElement } from './internal/pan-element.ts';
export { PanApiError, RunApiClient } from './internal/api-client.ts';
export type { RunApiClientOptions } from './internal/api-client.ts';
export type * from './events/events.ts';

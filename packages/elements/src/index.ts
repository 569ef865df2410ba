export { PanMarketplace } from './components/marketplace/marketplace.component.ts';
export { PanSettingsForm } from './components/settings-form/settings-form.component.ts';
export { PanElement } from './internal/pan-element.ts';
export { PanApiError, RunApiClient } from './internal/api-client.ts';
export type { RunApiClientOptions } from './internal/api-client.ts';
export type * from './events/events.ts';

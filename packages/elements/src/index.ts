/** Every element class, and the API client; importing this registers nothing (see `define.ts`). */
export { PanAuthOnly } from './components/auth-only/auth-only.component.ts';
export { PanConnections } from './components/connections/connections.component.ts';
export { PanInstallFlow } from './components/install-flow/install-flow.component.ts';
export { PanInstallPage } from './components/install-page/install-page.component.ts';
export { PanMarketplace } from './components/marketplace/marketplace.component.ts';
export { PanMyIntegrations } from './components/my-integrations/my-integrations.component.ts';
export { PanRunLog } from './components/run-log/run-log.component.ts';
export { PanRunPanel } from './components/run-panel/run-panel.component.ts';
export { PanScheduleEditor } from './components/schedule-editor/schedule-editor.component.ts';
export { PanSettingsForm } from './components/settings-form/settings-form.component.ts';
export { PanTenantPage } from './components/tenant-page/tenant-page.component.ts';
export { PanElement } from './internal/pan-element.ts';
export { currentLocale, registerLocale, resolveLocale } from './internal/locale.ts';
export type { LocaleLoader, LocaleTemplates } from './internal/locale.ts';

export { PanApiError, RunApiClient } from './internal/api-client.ts';
export type { RunApiClientOptions } from './internal/api-client.ts';
export type * from './events/events.ts';

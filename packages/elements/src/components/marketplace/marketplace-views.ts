/**
 * The marketplace's views beyond the catalog (install flow, installed integrations, settings),
 * loaded on first use so that the catalog's chunk stays small and free of React.
 */
import '../install-flow/pan-install-flow.ts';
import '../my-integrations/pan-my-integrations.ts';
import '../schedule-editor/pan-schedule-editor.ts';
import '../tenant-page/pan-tenant-page.ts';
import '../settings-form/pan-settings-form.ts';
import '../install-page/pan-install-page.ts';

import { afterEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { InstallPlan, InstallRequest, Tenant, TenantReleases, TenantUpdate, TriggerStatus } from '@pan/contract';
import {
  axeViolations,
  cleanup,
  focused,
  listen,
  mountView,
  newUser,
  rewriteResponses,
  shadowQuery,
  shadowText,
} from '../../../test/harness.ts';
import type { RunApiClient } from '../../internal/api-client.ts';

afterEach(cleanup);

/** What the server sends for a uischema of one Section with a title and hint text and no Control. */
const SECTIONS_ONLY_FORM = {
  schema: { type: 'object', properties: {}, additionalProperties: false },
  uiSchema: {
    'ui:order': [],
    'ui:options': {
      layout: {
        type: 'VerticalLayout',
        elements: [{ type: 'Section', label: 'Before you start', hint: 'Ask your Acme admin to turn on API access.', elements: [] }],
      },
    },
  },
  fields: [],
  dependents: {},
};

const HUBSPOT_REF = { id: expect.any(String), slug: 'hubspot-contacts', name: 'HubSpot Contacts' };

/** Installs an integration for the user straight through the API. */
const install = (api: RunApiClient, body: Partial<InstallRequest> = {}) =>
  api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts', ...body } });

const stored = (api: RunApiClient, id: string) => api.get<Tenant>(`/marketplace/tenants/${id}`);

/** Mounts the page of a new HubSpot tenant and waits until its settings form shows. */
async function mountTenant(body: Partial<InstallRequest> = {}) {
  const { api } = await newUser();
  const tenant = await install(api, { configs: { direction: 'to_hubspot', records_per_page: 42, note: 'hello' }, ...body });
  const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
  await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
  await expect.element(perPage()).toBeVisible();
  return { api, tenant, el };
}

const perPage = () => page.getByLabelText('Records per page');
const button = (name: string) => page.getByRole('button', { name, exact: true });
const status = (el: Element) => shadowText(el, '[part="status"]');
const notice = (el: Element) => shadowText(el, '[part="notice"]');
/**
 * A Slack Alerts tenant (a dynamic `channels` selector) whose page first shows it as it is before
 * any init run: installing queued one already, which may have ended by the time the page loads.
 * `finished` rewrites the final state of the triggers the page follows; `xti` adds token claims.
 */
async function mountSlackBeforeInit({
  finished,
  xti,
}: { finished?: (status: TriggerStatus) => TriggerStatus; xti?: Record<string, unknown> } = {}) {
  const { api } = await newUser('engineering', xti);
  const plan = await api.get<InstallPlan>('/marketplace/integrations/slack-alerts/install');
  const tenant = await install(api, { integration: 'slack-alerts', configs: {} });
  const original = globalThis.fetch.bind(globalThis);
  let firstLoad = true;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await original(input, init);
    const url = String(input);
    const rewrite =
      url.endsWith(`/marketplace/tenants/${tenant.id}`) && !init?.method?.match(/PATCH|DELETE/) && firstLoad
        ? (body: Tenant) => {
            firstLoad = false;
            return { ...body, settings_form: plan.settings_form, dynamic_configs_loaded: false };
          }
        : url.includes('/marketplace/triggers/') && finished
          ? (body: TriggerStatus) => (body.state === 'finished' ? finished(body) : body)
          : undefined;
    if (!rewrite || !response.ok) return response;
    return new Response(JSON.stringify(rewrite(await response.json())), { status: response.status, headers: response.headers });
  });
  const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
  await expect.element(page.getByRole('heading', { level: 2, name: 'Slack Alerts' })).toBeVisible();
  return { api, tenant, el };
}

/** The PATCH requests sent since the spy was set up. */
const patches = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === 'PATCH');

describe('<pan-tenant-page>', () => {
  it('has no axe violations', async () => {
    const { el } = await mountTenant();
    await shadowQuery(el, 'pan-settings-form')!.updateComplete;
    expect(await axeViolations(el)).toEqual([]);
    await button('Uninstall…').click();
    await expect.element(page.getByRole('dialog')).toBeVisible();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('shows the Section title and hint text of a settings page without Controls, with nothing to save', async () => {
    const { api } = await newUser();
    const tenant = await install(api);
    rewriteResponses(`/marketplace/tenants/${tenant.id}`, (body) => (body?.settings_form ? { ...body, settings_form: SECTIONS_ONLY_FORM } : body));
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
    await expect.element(page.getByText('Before you start')).toBeVisible();
    await expect.element(page.getByText('Ask your Acme admin to turn on API access.')).toBeVisible();
    expect(shadowText(el, '.section')).not.toMatch(/has no settings/);
    expect(page.getByRole('button', { name: 'Save settings' }).elements()).toHaveLength(0);
    expect(await axeViolations(el)).toEqual([]);
  });

  it("shows the tenant's settings, status and schedule from the API", async () => {
    const { el } = await mountTenant();
    await expect.element(perPage()).toHaveValue(42);
    await expect.element(page.getByLabelText('Note')).toHaveValue('hello');
    await expect.element(page.getByLabelText('Sync direction')).toHaveDisplayValue('To HubSpot');
    expect(status(el)).toBe('Active');
    await expect.element(button('Pause')).toBeVisible();
    // The schedule follows the integration's default (hourly).
    await expect.element(page.getByRole('group', { name: 'When it runs' })).toBeVisible();
    await expect.element(page.getByRole('radio', { name: "The integration's default" })).toBeChecked();
    await expect.element(button('Save schedule')).toBeDisabled();
    const editor = shadowQuery(el, 'pan-schedule-editor')!;
    expect(shadowText(editor, '.preview__summary')).toBe('Every hour');
  });

  it('saves settings with PATCH, says so and emits pan-settings-saved', async () => {
    const saved = listen('pan-settings-saved');
    const { api, tenant, el } = await mountTenant();
    await perPage().fill('75');
    await button('Save settings').click();
    await expect.poll(() => notice(el)).toBe('Settings saved.');
    expect(saved.map((e) => e.detail)).toEqual([{ tenant: { id: tenant.id, integration: HUBSPOT_REF }, changed: ['configs'] }]);
    expect(saved[0]!.bubbles && saved[0]!.composed).toBe(true);
    expect((await stored(api, tenant.id)).configs).toEqual({ direction: 'to_hubspot', records_per_page: 75, note: 'hello' });
    // The form shows what was saved.
    await expect.element(perPage()).toHaveValue(75);
  });

  it('keeps unsaved settings when the tenant comes back from the server (a pause), and saves them', async () => {
    const { api, tenant, el } = await mountTenant();
    await perPage().fill('75');
    await button('Pause').click();
    await expect.poll(() => status(el)).toBe('Paused');
    await expect.element(perPage()).toHaveValue(75);
    await button('Save settings').click();
    await expect.poll(() => notice(el)).toBe('Settings saved.');
    expect((await stored(api, tenant.id)).configs).toEqual({ direction: 'to_hubspot', records_per_page: 75, note: 'hello' });
  });

  it('shows the field error for an invalid value and saves nothing', async () => {
    const saved = listen('pan-settings-saved');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { api, tenant, el } = await mountTenant();
    await perPage().fill('500');
    await button('Save settings').click();
    await expect.element(page.getByText(/must be at most 100/)).toBeVisible();
    await expect.element(perPage()).toHaveAttribute('aria-invalid', 'true');
    expect(patches(fetchSpy)).toEqual([]);
    expect(saved).toHaveLength(0);
    expect(notice(el)).toBe('');
    expect((await stored(api, tenant.id)).configs).toMatchObject({ records_per_page: 42 });
  });

  it('saves a schedule of its own, and goes back to the default', async () => {
    const saved = listen('pan-settings-saved');
    const { api, tenant, el } = await mountTenant();
    await expect.element(button('Save schedule')).toBeDisabled();

    await page.getByRole('radio', { name: 'Repeat' }).click();
    await page.getByLabelText('Every', { exact: true }).fill('2');
    await page.getByLabelText('Unit', { exact: true }).selectOptions('hours');
    await button('Save schedule').click();
    await expect.poll(() => notice(el)).toBe('Schedule saved.');
    expect(saved.map((e) => e.detail)).toEqual([{ tenant: { id: tenant.id, integration: HUBSPOT_REF }, changed: ['schedule'] }]);
    const custom = await stored(api, tenant.id);
    expect(custom.schedule_is_default).toBe(false);
    expect(custom.schedule).toEqual({ type: 'interval', every: 2, unit: 'hours' });
    // Saved: the editor shows it, and there is nothing left to save.
    await expect.element(page.getByRole('radio', { name: 'Repeat' })).toBeChecked();
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(2);
    await expect.element(button('Save schedule')).toBeDisabled();

    await page.getByRole('radio', { name: "The integration's default" }).click();
    await button('Save schedule').click();
    await expect.poll(() => saved.length).toBe(2);
    expect(saved[1]!.detail.changed).toEqual(['schedule']);
    const back = await stored(api, tenant.id);
    expect(back.schedule_is_default).toBe(true);
    expect(back.schedule).toEqual({ type: 'interval', every: 1, unit: 'hours' });

    // The zone and the missed-fire policy are saved with the schedule.
    await page.getByLabelText('Time zone', { exact: true }).selectOptions('Europe/Berlin');
    await page.getByLabelText('After downtime', { exact: true }).selectOptions('skip');
    await button('Save schedule').click();
    await expect.poll(() => saved.length).toBe(3);
    expect(await stored(api, tenant.id)).toMatchObject({ time_zone: 'Europe/Berlin', missed_fires: 'skip', schedule_is_default: true });
  });

  it('shows a tenant that runs only when triggered, and cannot save an invalid cron expression', async () => {
    const { el } = await mountTenant({ schedule: null });
    await expect.element(page.getByRole('radio', { name: 'Only when triggered' })).toBeChecked();
    await page.getByRole('radio', { name: /^Custom/ }).click();
    await page.getByLabelText('Cron expression', { exact: true }).fill('0 9 *');
    await expect.element(page.getByRole('alert')).toHaveTextContent(/5 fields/);
    await expect.element(button('Save schedule')).toBeDisabled();
    expect(notice(el)).toBe('');
  });

  it('keeps an unsaved schedule choice through a pause (default schedule)', async () => {
    const { api, tenant } = await mountTenant();
    await page.getByRole('radio', { name: 'Repeat' }).click();
    await page.getByLabelText('Every', { exact: true }).fill('2');
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(2);
    await expect.element(button('Save schedule')).toBeEnabled();
    await button('Pause').click();
    await expect.element(button('Resume')).toBeVisible();
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(2);
    // The editor still shows the choice, and it can still be saved.
    await expect.element(page.getByRole('radio', { name: 'Repeat' })).toBeChecked();
    await expect.element(button('Save schedule')).toBeEnabled();
    await button('Save schedule').click();
    // Disabled at once (busy) and after the save (nothing to save): wait for the stored value.
    await expect.element(button('Save schedule')).toBeDisabled();
    await expect.poll(async () => (await stored(api, tenant.id)).schedule).toEqual({ type: 'interval', every: 2, unit: 'hours' });
  });

  it('keeps an unsaved schedule choice through a settings save (schedule of its own)', async () => {
    const { api, tenant } = await mountTenant({ schedule: { type: 'interval', every: 3, unit: 'days' } });
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(3);
    await page.getByLabelText('Every', { exact: true }).fill('2');
    await perPage().fill('50');
    await button('Save settings').click();
    await expect.element(page.getByText('Settings saved.')).toBeVisible();
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(2);
    await expect.element(button('Save schedule')).toBeEnabled();
    await button('Save schedule').click();
    await expect.element(page.getByText('Schedule saved.')).toBeVisible();
    expect((await stored(api, tenant.id)).schedule).toEqual({ type: 'interval', every: 2, unit: 'days' });
  });

  it('pauses and resumes', async () => {
    const saved = listen('pan-settings-saved');
    const { api, tenant, el } = await mountTenant();
    await button('Pause').click();
    await expect.poll(() => status(el)).toBe('Paused');
    await expect.element(button('Resume')).toBeVisible();
    expect((await stored(api, tenant.id)).status).toBe('paused');
    expect(saved.map((e) => e.detail)).toEqual([{ tenant: { id: tenant.id, integration: HUBSPOT_REF }, changed: ['status'] }]);
    expect(notice(el)).toMatch(/^Paused/);

    await button('Resume').click();
    await expect.poll(() => status(el)).toBe('Active');
    await expect.element(button('Pause')).toBeVisible();
    expect((await stored(api, tenant.id)).status).toBe('active');
    expect(saved.map((e) => e.detail.changed)).toEqual([['status'], ['status']]);
  });

  it('asks before uninstalling: Cancel keeps it, Uninstall archives it', async () => {
    const uninstalled = listen('pan-uninstalled');
    const { api, tenant } = await mountTenant();
    const dialog = page.getByRole('dialog', { name: 'Uninstall HubSpot Contacts?' });

    await button('Uninstall…').click();
    await expect.element(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.element(dialog).not.toBeInTheDocument();
    expect(uninstalled).toHaveLength(0);
    expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants.map((t) => t.id)).toEqual([tenant.id]);

    await button('Uninstall…').click();
    await expect.element(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Uninstall', exact: true }).click();
    await expect.poll(() => uninstalled.length).toBe(1);
    expect(uninstalled[0]!.detail).toEqual({ tenant: { id: tenant.id, integration: HUBSPOT_REF } });
    expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants).toEqual([]);
  });

  it('focuses Cancel in the confirmation, and Escape closes it without uninstalling', async () => {
    const uninstalled = listen('pan-uninstalled');
    const { api, tenant, el } = await mountTenant();
    const dialog = page.getByRole('dialog', { name: 'Uninstall HubSpot Contacts?' });
    await button('Uninstall…').click();
    await expect.element(dialog).toBeVisible();
    await expect.element(dialog).toHaveAccessibleDescription(/stop running/);
    await expect.poll(() => focused(el)?.textContent).toBe('Cancel');
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
    expect(shadowQuery(el, 'dialog')!.open).toBe(false);
    expect(uninstalled).toHaveLength(0);
    expect((await stored(api, tenant.id)).id).toBe(tenant.id);
  });

  it('has a Runs section that runs the integration', async () => {
    const completed = listen('pan-run-complete');
    const { tenant, el } = await mountTenant();
    await expect.element(page.getByRole('heading', { level: 3, name: 'Runs' })).toBeVisible();
    const panel = shadowQuery(el, 'pan-run-panel')!;
    expect(panel.tenantId).toBe(tenant.id);
    await button('Run now').click();
    await expect.poll(() => completed.length, { timeout: 15_000 }).toBe(1);
    expect(completed[0]!.detail).toMatchObject({ tenantId: tenant.id, status: 'Succeeded' });
    await expect.element(page.getByRole('log')).toHaveTextContent('contact 42 synced');
    // Pausing the tenant reaches the panel: it may not run any more.
    await button('Pause').click();
    await expect.element(button('Run now')).toBeDisabled();
    await expect.element(button('Run now')).toHaveAccessibleDescription('Paused: resume it to run it.');
  });

  it('Load options: runs an init run, then shows the options it published (Slack Alerts)', async () => {
    const { api, tenant, el } = await mountSlackBeforeInit();
    const load = page.getByRole('button', { name: 'Load options' });
    await expect.element(load).toBeVisible();
    await expect.element(page.getByRole('combobox', { name: 'Channel' })).not.toBeInTheDocument();
    await load.click();
    await expect.element(page.getByText('Loading options…')).toBeVisible();

    const channel = page.getByRole('combobox', { name: 'Channel' });
    await expect.element(channel, { timeout: 15_000 }).toBeVisible();
    await expect.element(page.getByText('Loading options…')).not.toBeInTheDocument();
    const options = [...channel.element().querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(expect.arrayContaining(['#general', '#alerts', '#sales']));
    expect(notice(el)).toBe('');

    await channel.selectOptions('#alerts');
    await button('Save settings').click();
    await expect.poll(() => notice(el)).toBe('Settings saved.');
    expect((await stored(api, tenant.id)).configs).toMatchObject({ channel: '#alerts' });
    // The init run is in the run history.
    const panel = shadowQuery(el, 'pan-run-panel')!;
    await expect.poll(() => shadowText(panel, '[part="history"]')).toMatch(/Succeeded.*Manual · Init/);
  });

  it('Load options: says so when the init run failed, and keeps the form as it was', async () => {
    const { el } = await mountSlackBeforeInit({ finished: (s) => ({ ...s, run_status: 'Failed (Integration Issue)' }) });
    await page.getByRole('button', { name: 'Load options' }).click();
    await expect
      .poll(() => notice(el), { timeout: 15_000 })
      .toBe('The options could not be loaded: the init run ended with "Failed (Integration Issue)".');
    expect(shadowQuery(el, '[part="notice"] .notice--error')).not.toBeNull();
    await expect.element(page.getByRole('button', { name: 'Load options' })).toBeVisible();
    await expect.element(page.getByText('Loading options…')).not.toBeInTheDocument();
    await expect.element(page.getByRole('combobox', { name: 'Channel' })).not.toBeInTheDocument();
  });

  it('Load options: shows the refusal without the run:init permission', async () => {
    const { el } = await mountSlackBeforeInit({ xti: { permissions: ['run', 'logs'] } });
    await page.getByRole('button', { name: 'Load options' }).click();
    await expect.poll(() => notice(el)).toMatch(/^The options could not be loaded: .*load options/);
    await expect.element(page.getByText('Loading options…')).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Load options' })).toBeVisible();
  });

  it("shows the error state for another user's tenant", async () => {
    const owner = await newUser();
    const tenant = await install(owner.api);
    const { api } = await newUser();
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(page.getByRole('alert')).toHaveTextContent(/could not be loaded/);
    expect(shadowText(el, '[role="alert"]')).toContain('This is not available any more.');
    await expect.element(button('Retry')).toBeVisible();
    expect(shadowQuery(el, 'pan-settings-form')).toBeNull();
    expect(await axeViolations(el)).toEqual([]);
  });
});

describe('<pan-tenant-page> release channel', () => {
  const picker = () => page.getByRole('combobox', { name: 'Release' });
  /** What the page's PATCHes sent. */
  function patches(): TenantUpdate[] {
    return vi
      .mocked(globalThis.fetch)
      .mock.calls.filter(([, init]) => init?.method === 'PATCH')
      .map(([, init]) => JSON.parse(String(init!.body)) as TenantUpdate);
  }

  it('offers Default, Latest and each release by name and date; a pinned release is saved with the settings', async () => {
    const { api } = await newUser('engineering', { permissions: ['run', 'logs', 'release'] });
    const tenant = await install(api, { configs: { direction: 'to_hubspot', records_per_page: 42 } });
    const { releases } = await api.get<TenantReleases>(`/marketplace/tenants/${tenant.id}/releases`);
    const release = releases[0]!;
    const day = new Date(release.created_at).toLocaleDateString(undefined, { dateStyle: 'medium' });
    vi.spyOn(globalThis, 'fetch');
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(picker()).toBeVisible();
    await expect.element(picker()).toHaveDisplayValue(`Default (${release.version}, ${day})`);
    const options = [...shadowQuery(el, 'select[part="release-select"]')!.querySelectorAll('option')].map((o) => o.textContent!.trim());
    expect(options).toEqual([`Default (${release.version}, ${day})`, `Latest (${release.version}, ${day})`, `${release.version}, ${day}`]);
    await expect.element(perPage()).toBeVisible();
    expect(await axeViolations(el)).toEqual([]);

    await picker().selectOptions(`pinned:${release.id}`);
    await button('Save settings').click();
    await expect.poll(() => notice(el)).toBe('Settings saved.');
    expect(patches()).toEqual([{ configs: expect.objectContaining({ records_per_page: 42 }), release_channel: { type: 'pinned', release_id: release.id } }]);
    expect((await stored(api, tenant.id)).release_channel).toEqual({ type: 'pinned', release_id: release.id });
    await expect.element(picker()).toHaveDisplayValue(`${release.version}, ${day}`);

    // Saving again without touching the picker sends no channel change.
    await button('Save settings').click();
    await expect.poll(() => patches().length).toBe(2);
    expect(patches()[1]).not.toHaveProperty('release_channel');
  });

  it("re-renders the form with the chosen release's form", async () => {
    const { api } = await newUser('engineering', { permissions: ['release'] });
    const tenant = await install(api, { configs: { direction: 'to_hubspot', records_per_page: 42 } });
    // A newer release whose form is a Section without Controls (the fixture has one release).
    rewriteResponses(`/marketplace/tenants/${tenant.id}/releases`, (body: TenantReleases) => ({
      releases: [
        { id: crypto.randomUUID(), version: 'r9', created_at: new Date().toISOString(), is_default: false, settings_form: SECTIONS_ONLY_FORM },
        ...body.releases,
      ],
    }));
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(perPage()).toBeVisible();
    await expect.element(picker()).toBeVisible();

    await picker().selectOptions('latest');
    await expect.element(picker()).toHaveDisplayValue(/^Latest \(r9, /);
    await expect.element(page.getByText('Before you start')).toBeVisible();
    expect(page.getByLabelText('Records per page').elements()).toHaveLength(0);
    // Nothing to submit in that form: the release is saved on its own.
    await expect.element(button('Save release')).toBeEnabled();
    expect(await axeViolations(el)).toEqual([]);

    await picker().selectOptions('default');
    await expect.element(perPage()).toHaveValue(42);
  });

  it('saves the release on its own when the form has nothing to submit', async () => {
    const { api } = await newUser('engineering', { permissions: ['release'] });
    const tenant = await install(api);
    // Every form a Section without Controls: no Save settings, so the picker has its own button.
    rewriteResponses(`/marketplace/tenants/${tenant.id}`, (body) =>
      body?.releases
        ? { releases: body.releases.map((r: object) => ({ ...r, settings_form: SECTIONS_ONLY_FORM })) }
        : body?.settings_form
          ? { ...body, settings_form: SECTIONS_ONLY_FORM }
          : body,
    );
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(picker()).toBeVisible();
    await expect.element(button('Save release')).toBeDisabled();
    await picker().selectOptions('latest');
    await button('Save release').click();
    await expect.poll(() => notice(el)).toBe('Settings saved.');
    expect(patches()).toEqual([{ release_channel: { type: 'latest' } }]);
    expect((await stored(api, tenant.id)).release_channel).toEqual({ type: 'latest' });
    await expect.element(button('Save release')).toBeDisabled();
  });

  it('is absent without the release permission, and the releases are not even asked for', async () => {
    const { api } = await newUser('engineering', { permissions: ['run', 'logs'] });
    const tenant = await install(api, { configs: { direction: 'to_hubspot' } });
    vi.spyOn(globalThis, 'fetch');
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(perPage()).toBeVisible();
    expect(shadowQuery(el, '[part="release-select"]')).toBeNull();
    expect(vi.mocked(globalThis.fetch).mock.calls.map(([input]) => String(input)).filter((url) => url.includes('/releases'))).toEqual([]);
    expect(await axeViolations(el)).toEqual([]);
  });
});

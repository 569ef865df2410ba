import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { InstallRequest, Tenant, TriggerStatus } from '@pan/contract';
import {
  axeViolations,
  cleanup,
  listen,
  mountView,
  newUser,
  runToEnd,
  shadowQuery,
  shadowQueryAll,
  shadowText,
  userApi,
} from '../../../test/harness.ts';
import type { PanRunLog } from '../run-log/run-log.component.ts';
import type { PanRunPanel } from './run-panel.component.ts';

afterEach(cleanup);

/** A new user's tenant (HubSpot unless told), installed through the API; `xti` adds token claims. */
async function installed(body: Partial<InstallRequest> = {}, xti?: Record<string, unknown>) {
  const { api } = await newUser('engineering', xti);
  const tenant = await api.request<Tenant>('POST', '/marketplace/tenants', {
    body: { integration: 'hubspot-contacts', configs: { direction: 'both', records_per_page: 5 }, ...body },
  });
  return { api, tenant };
}

async function mountPanel(body: Partial<InstallRequest> = {}, xti?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { api, tenant } = await installed(body, xti);
  const el = await mountView('pan-run-panel', { api, tenantId: tenant.id, ...extra });
  return { api, tenant, el };
}

const runButton = () => page.getByRole('button', { name: /^(Run now|Running…)$/ });
const modeSelect = () => page.getByRole('combobox', { name: 'Mode' });
const current = (el: PanRunPanel) => shadowText(el, '[part="current"]');
/** The history's rows: status, what started them, whether they show a log button. */
const rows = (el: PanRunPanel) =>
  shadowQueryAll(el, '[part="run"]').map((row) => ({
    id: row.dataset.run,
    status: row.querySelector('[part="run-status"]')!.textContent!.trim(),
    sources: row.querySelector('.run__sources')!.textContent!.trim(),
  }));
const logLines = (log: PanRunLog | null | undefined) =>
  (log ? shadowQueryAll(log, '[part="line-text"]') : []).map((n) => n.textContent);

describe('<pan-run-panel>', () => {
  it('has no axe violations, before and after a run', async () => {
    const { el } = await mountPanel();
    await expect.element(runButton()).toBeEnabled();
    await expect.element(page.getByText('No runs yet.')).toBeVisible();
    expect(await axeViolations(el)).toEqual([]);

    await runButton().click();
    await expect.poll(() => current(el), { timeout: 15_000 }).toBe('Run: Succeeded');
    await expect.poll(() => rows(el).length).toBe(1);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('Run now: pan-run-start, live lines, pan-run-complete with Succeeded, and the run in the history', async () => {
    const started = listen('pan-run-start');
    const completed = listen('pan-run-complete');
    const { tenant, el } = await mountPanel({ configs: { direction: 'to_hubspot', records_per_page: 30 } });
    await runButton().click();
    await expect.poll(() => started.length).toBe(1);
    expect(started[0]!.detail).toEqual({ tenantId: tenant.id, triggerId: expect.any(String), mode: 'normal' });
    expect(started[0]!.bubbles && started[0]!.composed).toBe(true);
    // Queued, then running: the run's log shows its lines as they come.
    await expect.element(page.getByRole('log')).toHaveTextContent('Syncing contacts (to_hubspot)');
    await expect.element(page.getByRole('log')).toHaveTextContent('contact 30 synced');

    await expect.poll(() => completed.length, { timeout: 15_000 }).toBe(1);
    const runId = completed[0]!.detail.runId;
    expect(completed[0]!.detail).toEqual({ tenantId: tenant.id, runId: expect.any(String), status: 'Succeeded' });
    expect(current(el)).toBe('Run: Succeeded');
    const log = shadowQuery<PanRunLog>(el, '[part="current-log"]')!;
    expect(log.runId).toBe(runId);
    await expect.poll(() => logLines(log).length).toBe(32); // the engine's not-connected note, the sync line, 30 contacts
    await expect.poll(() => rows(el)).toEqual([{ id: runId, status: 'Succeeded', sources: 'Manual' }]);
    const row = shadowQuery(el, '[part="run"]')!;
    expect(row.querySelector('time')!.dateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(row.querySelector('.run__duration')!.textContent).toMatch(/^\d+(\.\d)? s$/);
    await expect.element(runButton()).toHaveTextContent('Run now');
    await expect.element(runButton()).toBeEnabled();
  });

  it('offers the Init mode only with the run:init permission', async () => {
    await mountPanel({}, { permissions: ['run', 'logs'] });
    await expect.element(runButton()).toBeEnabled();
    await expect.element(modeSelect()).not.toBeInTheDocument();
    cleanup();

    const started = listen('pan-run-start');
    const completed = listen('pan-run-complete');
    const { el, tenant } = await mountPanel({ integration: 'slack-alerts', configs: {} });
    await expect.element(modeSelect()).toBeVisible();
    await expect.element(modeSelect()).toHaveValue('normal');
    await modeSelect().selectOptions('init');
    await runButton().click();
    await expect.poll(() => completed.length, { timeout: 15_000 }).toBe(1);
    expect(started.map((e) => e.detail.mode)).toEqual(['init']);
    expect(completed[0]!.detail).toMatchObject({ tenantId: tenant.id, status: 'Succeeded' });
    expect(current(el)).toBe('Init run: Succeeded');
    // (Installing Slack Alerts queued an init run too: the history may hold both.)
    const runId = completed[0]!.detail.runId;
    await expect.poll(() => rows(el).find((r) => r.id === runId)).toEqual({ id: runId, status: 'Succeeded', sources: 'Manual · Init' });
    await expect.element(page.getByRole('log')).toHaveTextContent('Listing channels');
  });

  it('disables Run now with the reason: no run permission, or paused', async () => {
    const { el } = await mountPanel({}, { permissions: ['logs'] });
    await expect.element(runButton()).toBeDisabled();
    await expect.element(runButton()).toHaveAccessibleDescription('Your account does not allow you to run this integration.');
    await expect.element(modeSelect()).not.toBeInTheDocument();
    expect(await axeViolations(el)).toEqual([]);
    cleanup();

    const { api, tenant } = await installed();
    await api.request('POST', `/marketplace/tenants/${tenant.id}/pause`);
    await mountView('pan-run-panel', { api, tenantId: tenant.id });
    await expect.element(runButton()).toBeDisabled();
    await expect.element(runButton()).toHaveAccessibleDescription('Paused: resume it to run it.');
  });

  it("shows the API's refusal: a tenant paused since the host gave it", async () => {
    const started = listen('pan-run-start');
    const { api, tenant } = await installed();
    const el = await mountView('pan-run-panel', { api, tenantId: tenant.id, tenant });
    await api.request('POST', `/marketplace/tenants/${tenant.id}/pause`);
    await runButton().click();
    await expect.element(page.getByRole('alert')).toHaveTextContent(/paused: resume it to run it/i);
    expect(started).toHaveLength(0);
    expect(current(el)).toBe('');
    await expect.element(runButton()).toBeEnabled();
  });

  it('lists the history newest first, with Load more (next_before)', async () => {
    const { api, tenant } = await installed({ configs: { direction: 'both', records_per_page: 1 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.unshift((await runToEnd(api, tenant.id)).run_id!);
    const el = await mountView('pan-run-panel', { api, tenantId: tenant.id, pageSize: 2 });
    await expect.poll(() => rows(el).map((r) => r.id)).toEqual(ids.slice(0, 2));
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows(el).map((r) => r.id)).toEqual(ids);
    await expect.element(page.getByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(rows(el).every((r) => r.status === 'Succeeded' && r.sources === 'Manual')).toBe(true);
  });

  it("opens a run's log from the history, and closes it", async () => {
    const { api, tenant } = await installed({ configs: { direction: 'from_hubspot', records_per_page: 2 } });
    const done = await runToEnd(api, tenant.id);
    const el = await mountView('pan-run-panel', { api, tenantId: tenant.id });
    const show = page.getByRole('button', { name: /^Show log/ });
    await expect.element(show).toHaveAttribute('aria-expanded', 'false');
    await show.click();
    const hide = page.getByRole('button', { name: /^Hide log/ });
    await expect.element(hide).toHaveAttribute('aria-expanded', 'true');
    const log = shadowQuery<PanRunLog>(el, '[part="log"]')!;
    expect(log.runId).toBe(done.run_id);
    await expect
      .poll(() => logLines(log))
      .toEqual(['[pan] not connected to HubSpot: no PAN_SEC_HUBSPOT_* variables', 'Syncing contacts (from_hubspot)', 'contact 1 synced', 'contact 2 synced']);
    expect(log.getAttribute('id') ?? log.parentElement!.id).toBe(`log-${done.run_id}`);
    expect(await axeViolations(el)).toEqual([]);
    await hide.click();
    expect(shadowQuery(el, 'pan-run-log')).toBeNull();
  });

  it('shows no logs without the logs permission', async () => {
    const completed = listen('pan-run-complete');
    const { el } = await mountPanel({}, { permissions: ['run'] });
    await runButton().click();
    await expect.poll(() => completed.length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => rows(el).length).toBe(1);
    expect(shadowQuery(el, 'pan-run-log')).toBeNull();
    await expect.element(page.getByRole('button', { name: /^Show log/ })).not.toBeInTheDocument();
  });

  it('Replay: a failed run offers it; it queues the run again, followed live, listed as a replay', async () => {
    const started = listen('pan-run-start');
    const completed = listen('pan-run-complete');
    const { api, tenant } = await installed({ configs: { direction: 'both', records_per_page: 1, note: 'fail' } });
    const failed = await runToEnd(api, tenant.id);
    expect(failed.run_status).toBe('Failed (Integration Issue)');
    const el = await mountView('pan-run-panel', { api, tenantId: tenant.id });
    const replay = page.getByRole('button', { name: /^Replay the run of/ });
    await expect.element(replay).toBeEnabled();
    expect(await axeViolations(el)).toEqual([]);

    await replay.click();
    await expect.poll(() => started.length).toBe(1);
    expect(started[0]!.detail).toEqual({ tenantId: tenant.id, triggerId: expect.any(String), mode: 'normal', replayOf: failed.run_id });
    await expect.poll(() => completed.length, { timeout: 15_000 }).toBe(1);
    const runId = completed[0]!.detail.runId;
    expect(runId).not.toBe(failed.run_id);
    await expect.poll(() => current(el)).toBe('Replay: Failed (Integration Issue)');
    await expect.element(page.getByRole('log')).toHaveTextContent('Failing, as the note asks');
    // The history: the replay first, saying what it replays; both failed runs may be replayed.
    await expect.poll(() => rows(el).map((r) => [r.id, r.status])).toEqual([
      [runId, 'Failed (Integration Issue)'],
      [failed.run_id, 'Failed (Integration Issue)'],
    ]);
    const marks = shadowQueryAll(el, '[part="run-replay"]');
    expect(marks.map((m) => [m.closest('[part="run"]')!.getAttribute('data-run'), m.dataset.replayOf])).toEqual([[runId, failed.run_id]]);
    expect(marks[0]!.textContent).toMatch(/^Replay of the run of /);
    expect(shadowQueryAll(el, '[part="replay-button"]')).toHaveLength(2);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('offers no Replay without the run permission, nor for a run that did not fail', async () => {
    const { sub, api } = await newUser();
    const tenant = await api.request<Tenant>('POST', '/marketplace/tenants', {
      body: { integration: 'hubspot-contacts', configs: { direction: 'both', records_per_page: 1, note: 'fail' } },
    });
    expect((await runToEnd(api, tenant.id)).run_status).toBe('Failed (Integration Issue)');
    const { api: logsOnly } = await userApi(sub, 'engineering', { permissions: ['logs'] });
    const el = await mountView('pan-run-panel', { api: logsOnly, tenantId: tenant.id });
    await expect.poll(() => rows(el).map((r) => r.status)).toEqual(['Failed (Integration Issue)']);
    await expect.element(page.getByRole('button', { name: /^Show log/ })).toBeVisible();
    expect(shadowQueryAll(el, '[part="replay-button"]')).toHaveLength(0);
    cleanup();

    const { api: other, tenant: fine } = await installed({ configs: { direction: 'both', records_per_page: 1 } });
    expect((await runToEnd(other, fine.id)).run_status).toBe('Succeeded');
    const succeeded = await mountView('pan-run-panel', { api: other, tenantId: fine.id });
    await expect.poll(() => rows(succeeded).map((r) => r.status)).toEqual(['Succeeded']);
    await expect.element(page.getByRole('button', { name: /^Show log/ })).toBeVisible();
    expect(shadowQueryAll(succeeded, '[part="replay-button"]')).toHaveLength(0);
  });

  it('shows runs started elsewhere (webhook, schedule, host API) while it is open, and stops reloading once removed', async () => {
    const { api, tenant, el } = await mountPanel({}, undefined, { refreshInterval: 0.3 });
    await expect.element(page.getByText('No runs yet.')).toBeVisible();
    // Not through the panel: it learns of the run only by reloading its history.
    const ended = await runToEnd(api, tenant.id);
    await expect.poll(() => rows(el), { timeout: 10_000 }).toEqual([{ id: ended.run_id, status: 'Succeeded', sources: 'Manual' }]);

    const requests: string[] = [];
    const original = api.get.bind(api);
    api.get = ((path: string, ...rest: unknown[]) => {
      requests.push(path);
      return (original as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof api.get;
    el.remove();
    const before = requests.length;
    // Three intervals with the panel gone: no request at all.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requests.length).toBe(before);
  });
  it('announces the run status in a polite live region as it changes (queued, running, how it ended), each text once', async () => {
    for (const [configs, ending] of [
      [{ direction: 'both', records_per_page: 1 }, 'Run: Succeeded'],
      [{ direction: 'both', records_per_page: 1, note: 'fail' }, 'Run: Failed (Integration Issue)'],
    ] as const) {
      const { api, el } = await mountPanel({ configs });
      // A quick run may end between two polls, so that the panel never sees it running: the poll
      // that first sees it finished answers "running" once, as it would a moment earlier.
      const realGet = api.get.bind(api);
      let sawRunning = false;
      api.get = (async (path: string, ...rest: unknown[]) => {
        const answer = await (realGet as (...args: unknown[]) => Promise<unknown>)(path, ...rest);
        if (!path.includes('/triggers/')) return answer;
        const status = answer as TriggerStatus;
        if (status.state === 'running') sawRunning = true;
        if (status.state !== 'finished' || sawRunning) return status;
        sawRunning = true;
        return { ...status, state: 'running', run_status: null };
      }) as typeof api.get;

      await expect.element(runButton()).toBeEnabled();
      const region = shadowQuery(el, '[part="current"]')!;
      expect(region.getAttribute('role')).toBe('status');
      expect(region.getAttribute('aria-live')).toBe('polite');
      // What a screen reader is handed: the region's text after each change to it.
      const announced: string[] = [];
      const observer = new MutationObserver(() => announced.push(region.textContent!.replace(/\s+/g, ' ').trim()));
      observer.observe(region, { childList: true, characterData: true, subtree: true });
      await runButton().click();
      await expect.poll(() => current(el), { timeout: 15_000 }).toBe(ending);
      await el.updateComplete;
      observer.disconnect();

      expect(announced).toEqual(['Run: starting…', 'Run: queued…', 'Run: running…', ending]);
      // The same element all along (a region replaced by a new one is not announced).
      expect(shadowQuery(el, '[part="current"]')).toBe(region);
      cleanup();
    }
  });
});

import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { clockFrom } from '../../../src/platform/clock.ts';
import { readConfig } from '../../../src/platform/config.ts';
import { dueFireTime, MISSED_FIRE_GRACE_MS, nextFireTime, queueDueCronTriggers, startScheduler } from '../../../src/modules/runs/scheduler.ts';
import type { Schedule } from '@pan/contract';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install } from './run-support.ts';

const at = (iso: string) => new Date(iso);

describe('dueFireTime', () => {
  const anchor = at('2026-01-01T00:00:00Z');
  const cases: Array<{ name: string; schedule: Schedule; after: string; now: string; due: string | null }> = [
    { name: 'interval not yet due', schedule: { type: 'interval', every: 15, unit: 'minutes' }, after: '2026-01-01T00:00:00Z', now: '2026-01-01T00:14:59Z', due: null },
    { name: 'interval due', schedule: { type: 'interval', every: 15, unit: 'minutes' }, after: '2026-01-01T00:00:00Z', now: '2026-01-01T00:15:00Z', due: '2026-01-01T00:15:00Z' },
    { name: 'missed interval fires collapse into the latest', schedule: { type: 'interval', every: 1, unit: 'hours' }, after: '2026-01-01T01:00:00Z', now: '2026-01-01T05:30:00Z', due: '2026-01-01T05:00:00Z' },
    { name: 'interval already handled', schedule: { type: 'interval', every: 1, unit: 'hours' }, after: '2026-01-01T05:00:00Z', now: '2026-01-01T05:59:00Z', due: null },
    { name: 'weekly', schedule: { type: 'interval', every: 1, unit: 'weeks' }, after: '2026-01-01T00:00:00Z', now: '2026-01-08T00:00:00Z', due: '2026-01-08T00:00:00Z' },
    { name: 'cron due (UTC)', schedule: { type: 'cron', expression: '*/5 8-16 * * 1-5' }, after: '2026-01-05T08:00:00Z', now: '2026-01-05T08:07:00Z', due: '2026-01-05T08:05:00Z' },
    { name: 'cron outside its hours', schedule: { type: 'cron', expression: '*/5 8-16 * * 1-5' }, after: '2026-01-05T17:00:00Z', now: '2026-01-05T23:00:00Z', due: null },
    { name: 'cron weekend skipped', schedule: { type: 'cron', expression: '0 9 * * 1-5' }, after: '2026-01-02T09:00:00Z', now: '2026-01-04T23:59:00Z', due: null },
    { name: 'cron missed fires collapse', schedule: { type: 'cron', expression: '0 9 * * *' }, after: '2026-01-01T09:00:00Z', now: '2026-01-04T10:00:00Z', due: '2026-01-04T09:00:00Z' },
  ];
  it.each(cases)('$name', ({ schedule, after, now, due }) => {
    expect(dueFireTime(schedule, anchor, at(after), at(now))?.toISOString() ?? null).toBe(due && at(due).toISOString());
  });

  it('reads a cron expression in its time zone, across DST changes both ways', () => {
    const nine: Schedule = { type: 'cron', expression: '0 9 * * *' };
    const next = (after: string, zone: string) => nextFireTime(nine, anchor, at(after), zone)?.toISOString();
    // Europe/Berlin: CET (UTC+1) until 2026-03-29, CEST (UTC+2) until 2026-10-25.
    expect(next('2026-03-28T08:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T07:00:00.000Z');
    expect(next('2026-10-24T07:00:00Z', 'Europe/Berlin')).toBe('2026-10-25T08:00:00.000Z');
    expect(next('2026-03-28T08:00:00Z', 'UTC')).toBe('2026-03-28T09:00:00.000Z');
    expect(dueFireTime(nine, anchor, at('2026-03-27T08:00:00Z'), at('2026-03-30T12:00:00Z'), 'Europe/Berlin')?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // A long downtime: the latest missed time, found without stepping through every one (Friday 17:55 in Berlin).
    const workHours: Schedule = { type: 'cron', expression: '*/5 9-17 * * 1-5' };
    expect(dueFireTime(workHours, anchor, at('2026-01-05T00:00:00Z'), at('2026-03-30T06:00:00Z'), 'Europe/Berlin')).toEqual(at('2026-03-27T16:55:00Z'));
    expect(dueFireTime(workHours, anchor, at('2026-03-27T16:55:00Z'), at('2026-03-30T06:00:00Z'), 'Europe/Berlin')).toBeNull();
    expect(dueFireTime({ type: 'cron', expression: '0 0 1 1 *' }, anchor, at('2020-06-01T00:00:00Z'), at('2026-03-30T06:00:00Z'), 'Asia/Tokyo')).toEqual(at('2025-12-31T15:00:00Z'));
    // Intervals count real time from the anchor: the zone plays no part.
    const hourly: Schedule = { type: 'interval', every: 1, unit: 'hours' };
    expect(nextFireTime(hourly, anchor, at('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toEqual(at('2026-03-29T01:00:00Z'));
  });
});

describe('queueDueCronTriggers', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, listen: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('queues one cron trigger per due tenant, once, and never for paused ones', async () => {
    const jwt = await endUserToken(stack, 'cron-user');
    const active = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
    await call(stack, 'PATCH', `/marketplace/tenants/${active.id}`, jwt, { schedule: { type: 'interval', every: 5, unit: 'minutes' } });
    const jwt2 = await endUserToken(stack, 'cron-user-2');
    const paused = await install(stack, jwt2, 'hubspot-contacts', { direction: 'both' });
    await call(stack, 'PATCH', `/marketplace/tenants/${paused.id}`, jwt2, { schedule: { type: 'interval', every: 5, unit: 'minutes' } });
    await call(stack, 'POST', `/marketplace/tenants/${paused.id}/pause`, jwt2);

    const created = new Date();
    const later = new Date(created.getTime() + 11 * 60_000);
    // Two schedulers at the same moment (two processes): the row locks let only one queue it.
    const counts = await Promise.all([queueDueCronTriggers(stack.db, later), queueDueCronTriggers(stack.db, later)]);
    const { rows } = await stack.db.query<{ tenant_id: string; source: string; mode: string }>(
      "SELECT tenant_id, source, mode FROM triggers WHERE source = 'cron' AND tenant_id = ANY($1::uuid[])",
      [[active.id, paused.id]],
    );
    expect(rows).toEqual([{ tenant_id: active.id, source: 'cron', mode: 'normal' }]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    // The same moment again: already handled.
    await queueDueCronTriggers(stack.db, later);
    const again = await stack.db.query("SELECT 1 FROM triggers WHERE source = 'cron' AND tenant_id = $1", [active.id]);
    expect(again.rows).toHaveLength(1);
  });

  it('fires each time once with the time it stands for, catches up once after a stop, and follows schedule changes', async () => {
    const jwt = await endUserToken(stack, 'cron-user-3');
    const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
    await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { schedule: { type: 'cron', expression: '*/5 * * * *' } });
    const { rows: created } = await stack.db.query<{ created_at: Date }>('SELECT created_at FROM tenants WHERE id = $1', [tenant.id]);
    const hour = 3_600_000;
    // A whole hour boundary at least an hour after the install: every time below is after it.
    const h = Math.ceil(created[0]!.created_at.getTime() / hour) * hour + hour;
    const m = (minutes: number, seconds = 0) => new Date(h + minutes * 60_000 + seconds * 1000);
    const nextFire = async () =>
      (await stack.db.query<{ at: Date | null }>('SELECT next_fire_at AS at FROM tenant_schedules WHERE tenant_id = $1', [tenant.id])).rows[0]!.at;
    const following = async () =>
      (await stack.db.query<{ at: Date | null }>('SELECT following AS at FROM tenant_schedules WHERE tenant_id = $1', [tenant.id])).rows[0]!.at;
    const fired = async () =>
      (
        await stack.db.query<{ at: Date }>("SELECT scheduled_for AS at FROM triggers WHERE source = 'cron' AND tenant_id = $1 ORDER BY scheduled_for", [tenant.id])
      ).rows.map((r) => r.at.toISOString());

    // Down since the install: the missed times collapse into one trigger for the latest of them.
    await queueDueCronTriggers(stack.db, m(0, 10));
    expect(await fired()).toEqual([m(0).toISOString()]);
    expect(await nextFire()).toEqual(m(5));
    await queueDueCronTriggers(stack.db, m(0, 10));
    await queueDueCronTriggers(stack.db, m(4, 59));
    expect(await fired()).toHaveLength(1);
    await queueDueCronTriggers(stack.db, m(5));
    expect(await fired()).toEqual([m(0), m(5)].map((d) => d.toISOString()));
    // The time after the next is computed ahead, so that the next fire is one statement (the fast path).
    expect(await following()).toEqual(m(15));

    // A new schedule takes over from the last fire: nothing due until its own next time.
    await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { schedule: { type: 'cron', expression: '30 * * * *' } });
    expect(await nextFire()).toBe(-Infinity);
    await queueDueCronTriggers(stack.db, m(6));
    expect(await nextFire()).toEqual(m(30));
    await queueDueCronTriggers(stack.db, m(31));
    expect(await fired()).toEqual([m(0), m(5), m(30)].map((d) => d.toISOString()));
    expect([await nextFire(), await following()]).toEqual([m(90), m(150)]);

    // Paused: no next time.
    await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/pause`, jwt);
    await queueDueCronTriggers(stack.db, m(32));
    expect(await nextFire()).toBeNull();
    // A change of its integration's default schedule marks the tenants that follow it, and only those.
    await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/resume`, jwt);
    await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { schedule: 'default' });
    await queueDueCronTriggers(stack.db, m(33));
    expect(await nextFire()).toBeInstanceOf(Date);
    await stack.db.query(`UPDATE integrations SET default_schedule = '{"type":"cron","expression":"0 * * * *"}' WHERE id = (SELECT integration_id FROM tenants WHERE id = $1)`, [tenant.id]);
    expect(await nextFire()).toBe(-Infinity);
    await queueDueCronTriggers(stack.db, m(34));
    expect(await nextFire()).toEqual(m(60));
  });

  it("missed fires: 'once' catches up with one run after downtime, 'skip' goes on at the next regular time", async () => {
    const tenants: Record<'once' | 'skip', string> = { once: '', skip: '' };
    for (const missed of ['once', 'skip'] as const) {
      const jwt = await endUserToken(stack, `cron-missed-${missed}`);
      const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
      const patched = await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { schedule: { type: 'cron', expression: '0 * * * *' }, missed_fires: missed });
      expect(patched.json()).toMatchObject({ missed_fires: missed, time_zone: 'UTC' });
      tenants[missed] = tenant.id;
    }
    const { rows: created } = await stack.db.query<{ at: Date }>('SELECT max(created_at) AS at FROM tenants WHERE id = ANY($1::uuid[])', [Object.values(tenants)]);
    const hour = 3_600_000;
    const h = Math.ceil(created[0]!.at.getTime() / hour) * hour + hour;
    const m = (minutes: number) => new Date(h + minutes * 60_000);
    const fired = async (id: string) =>
      (await stack.db.query<{ at: Date }>("SELECT scheduled_for AS at FROM triggers WHERE source = 'cron' AND tenant_id = $1 ORDER BY scheduled_for", [id])).rows.map((r) =>
        r.at.toISOString(),
      );
    const iso = (...dates: Date[]) => dates.map((d) => d.toISOString());

    // Down since the install, back half an hour after a fire time.
    await queueDueCronTriggers(stack.db, m(30));
    expect(await fired(tenants.once)).toEqual(iso(m(0)));
    expect(await fired(tenants.skip)).toEqual([]);
    // Both go on at the next regular time.
    await queueDueCronTriggers(stack.db, m(60));
    expect(await fired(tenants.once)).toEqual(iso(m(0), m(60)));
    expect(await fired(tenants.skip)).toEqual(iso(m(60)));
    // A pass a little late (a busy scheduler, within the grace) is not downtime: it fires.
    await queueDueCronTriggers(stack.db, new Date(m(120).getTime() + MISSED_FIRE_GRACE_MS - 1000));
    expect(await fired(tenants.skip)).toEqual(iso(m(60), m(120)));
    // Down for hours: 'once' fires one catch-up for the latest missed time, 'skip' none.
    await queueDueCronTriggers(stack.db, m(5 * 60 + 20));
    expect(await fired(tenants.once)).toEqual(iso(m(0), m(60), m(120), m(300)));
    expect(await fired(tenants.skip)).toEqual(iso(m(60), m(120)));
    await queueDueCronTriggers(stack.db, m(360));
    expect(await fired(tenants.once)).toEqual(iso(m(0), m(60), m(120), m(300), m(360)));
    expect(await fired(tenants.skip)).toEqual(iso(m(60), m(120), m(360)));
  });

  it('DST: a daily 09:00 Europe/Berlin schedule fires at 08:00 UTC in winter and 07:00 UTC in summer (file clock)', async () => {
    const jwt = await endUserToken(stack, 'cron-berlin');
    const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
    const patched = await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { schedule: { type: 'cron', expression: '0 9 * * *' }, time_zone: 'Europe/Berlin' });
    expect(patched.statusCode, patched.body).toBe(200);
    const { rows: created } = await stack.db.query<{ at: Date }>('SELECT created_at AS at FROM tenants WHERE id = $1', [tenant.id]);
    // The EU switches to summer time on the last Sunday of March at 01:00 UTC; take next year's.
    const year = created[0]!.at.getUTCFullYear() + 1;
    const day = (offset: number, time: string) => {
      const march31 = new Date(Date.UTC(year, 2, 31));
      const sunday = 31 - march31.getUTCDay();
      return new Date(`${year}-03-${String(sunday + offset).padStart(2, '0')}T${time}Z`);
    };

    const dir = await mkdtemp(path.join(os.tmpdir(), 'pan-dst-'));
    const file = path.join(dir, 'clock');
    const set = async (time: Date) => {
      await writeFile(`${file}.next`, time.toISOString());
      await rename(`${file}.next`, file);
    };
    const fired = async () =>
      (await stack.db.query<{ at: Date }>("SELECT scheduled_for AS at FROM triggers WHERE source = 'cron' AND tenant_id = $1 ORDER BY scheduled_for", [tenant.id])).rows.map((r) =>
        r.at.toISOString(),
      );
    const nextFire = async () =>
      (await stack.db.query<{ at: Date | null }>('SELECT next_fire_at AS at FROM tenant_schedules WHERE tenant_id = $1', [tenant.id])).rows[0]!.at;
    // Moves the shared clock and waits for the running scheduler to have handled that moment.
    const live = async (time: Date, expected: Date[]) => {
      await set(time);
      await vi.waitFor(async () => expect(await fired()).toEqual(expected.map((d) => d.toISOString())), { timeout: 20_000, interval: 50 });
    };

    await set(day(-2, '12:00:00'));
    const scheduler = startScheduler(stack.db, 60_000, undefined, { clock: clockFrom(`file:${file}`) });
    try {
      // Friday noon: the catch-up for Friday's 09:00 CET, down since the install.
      await vi.waitFor(async () => expect(await fired()).toEqual([day(-2, '08:00:00').toISOString()]), { timeout: 20_000, interval: 50 });
      expect(await nextFire()).toEqual(day(-1, '08:00:00'));
      // Saturday, winter time: 09:00 in Berlin is 08:00 UTC; the next, on the Sunday of the switch, 07:00 UTC.
      await live(day(-1, '08:00:00'), [day(-2, '08:00:00'), day(-1, '08:00:00')]);
      expect(await nextFire()).toEqual(day(0, '07:00:00'));
      // Sunday and Monday, summer time: 07:00 UTC.
      await live(day(0, '07:00:00'), [day(-2, '08:00:00'), day(-1, '08:00:00'), day(0, '07:00:00')]);
      await live(day(1, '07:00:00'), [day(-2, '08:00:00'), day(-1, '08:00:00'), day(0, '07:00:00'), day(1, '07:00:00')]);
      expect(await nextFire()).toEqual(day(2, '07:00:00'));
    } finally {
      await scheduler.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});


describe('PAN_SCHEDULER_CLOCK', () => {
  it('is the system clock by default and refuses what it does not know', () => {
    expect(readConfig({}).schedulerClock).toBe('system');
    expect(() => readConfig({ PAN_SCHEDULER_CLOCK: 'now+1h' })).toThrow(/PAN_SCHEDULER_CLOCK/);
  });

  it('file: reads the time from the file, and a rewrite wakes a waiting scheduler', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pan-clock-'));
    const file = path.join(dir, 'clock');
    const set = async (iso: string) => {
      await writeFile(`${file}.next`, iso);
      await rename(`${file}.next`, file);
    };
    await set('2030-01-07T00:00:00.000Z');
    const clock = clockFrom(`file:${file}`);
    try {
      expect(clock.now().toISOString()).toBe('2030-01-07T00:00:00.000Z');
      const stop = new AbortController();
      // A wait far longer than the test: only the rewrite can end it.
      const waited = clock.wait(null, 600_000, stop.signal);
      await set('2030-01-07T00:05:00.000Z');
      await waited;
      expect(clock.now().toISOString()).toBe('2030-01-07T00:05:00.000Z');
    } finally {
      clock.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

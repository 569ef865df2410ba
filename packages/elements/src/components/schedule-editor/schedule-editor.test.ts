import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { Schedule } from '@pan/contract';
import { axeViolations, cleanup, listen, mountView, shadowQueryAll, shadowText } from '../../../test/harness.ts';
import { checkSchedule } from '../../../../run-api/src/modules/catalog/schedule.ts';
import { describeSchedule, nextRuns, scheduleProblem } from './schedule.ts';

afterEach(cleanup);

const HOURLY: Schedule = { type: 'interval', every: 1, unit: 'hours' };
const interval = (every: number, unit: 'minutes' | 'hours' | 'days' | 'weeks'): Schedule => ({ type: 'interval', every, unit });
const cron = (expression: string): Schedule => ({ type: 'cron', expression });

describe('schedule.ts', () => {
  describe('scheduleProblem', () => {
    it.each([
      ['no schedule', null, undefined],
      ['5 minutes (the minimum)', interval(5, 'minutes'), undefined],
      ['4 minutes', interval(4, 'minutes'), 'Enter a whole number of minutes from 5 to 1440'],
      ['1 hour', interval(1, 'hours'), undefined],
      ['0 hours', interval(0, 'hours'), 'Enter a whole number of hours from 1 to 168'],
      ['1.5 hours', interval(1.5, 'hours'), 'Enter a whole number of hours from 1 to 168'],
      ['1440 minutes (the maximum)', interval(1440, 'minutes'), undefined],
      ['1441 minutes', interval(1441, 'minutes'), 'Enter a whole number of minutes from 5 to 1440'],
      ['169 hours', interval(169, 'hours'), 'Enter a whole number of hours from 1 to 168'],
      ['1 day', interval(1, 'days'), undefined],
      ['366 days', interval(366, 'days'), 'Enter a whole number of days from 1 to 365'],
      ['53 weeks', interval(53, 'weeks'), 'Enter a whole number of weeks from 1 to 52'],
      ['0 days', interval(0, 'days'), 'Enter a whole number of days from 1 to 365'],
      ['1 week', interval(1, 'weeks'), undefined],
      ['-1 weeks', interval(-1, 'weeks'), 'Enter a whole number of weeks from 1 to 52'],
      ['NaN minutes (an emptied input)', interval(Number.NaN, 'minutes'), 'Enter a whole number of minutes from 5 to 1440'],
    ])('interval: %s', (_, schedule, problem) => {
      expect(scheduleProblem(schedule)).toBe(problem);
    });

    it.each([
      ['0 9 * * 1-5'],
      ['*/30 9-17 * * 1-5'],
      ['  0 0 1 * *  '],
      ['0  9 * *\t1-5'],
      ['*/5 * * * *'],
      ['0 0 * * MON-FRI'],
    ])('cron %j is valid', (expression) => {
      expect(scheduleProblem(cron(expression))).toBeUndefined();
    });

    it.each([
      ['0 9 * *'],
      ['0 0 9 * * 1-5'],
      [''],
    ])('cron %j does not have 5 fields', (expression) => {
      expect(scheduleProblem(cron(expression))).toBe(
        'A cron expression has 5 fields: minute hour day-of-month month day-of-week',
      );
    });

    it.each([
      ['61 * * * *', /^Not a valid cron expression: .*minute/],
      ['0 25 * * *', /^Not a valid cron expression: .*hour/],
      ['*/0 * * * *', /^Not a valid cron expression: /],
      ['a b c d e', /^Not a valid cron expression: /],
      ['* * * * *', /^Runs must be at least 5 minutes apart$/],
      ['*/2 * * * *', /^Runs must be at least 5 minutes apart$/],
      ['0,1 9 * * *', /^Runs must be at least 5 minutes apart$/],
      ['0 0 31 2 *', /^This cron expression never fires$/],
    ])('cron %j is invalid', (expression, problem) => {
      const message = scheduleProblem(cron(expression));
      expect(message).toMatch(problem);
      expect(message).not.toContain('CronPattern:');
    });

    it('agrees with the run API on what it accepts', () => {
      const cases: Schedule[] = [
        ...[4, 5, 1440, 1441].map((n) => interval(n, 'minutes')),
        ...[0, 1, 1.5, 168, 169].map((n) => interval(n, 'hours')),
        ...[0, 1, 365, 366].map((n) => interval(n, 'days')),
        ...[0, 1, 52, 53].map((n) => interval(n, 'weeks')),
        ...['0 9 * * 1-5', '*/30 9-17 * * 1-5', '  0 0 1 * *  ', '0  9 * *\t1-5', '*/5 * * * *', '0 0 * * MON-FRI']
          .concat(['* * * * *', '*/2 * * * *', '0,1 9 * * *', '0 0 31 2 *', '61 * * * *', '0 9 *', '0 0 9 * * 1-5', ''])
          .map(cron),
      ];
      const disagreements = cases.filter((s) => (scheduleProblem(s) === undefined) !== checkSchedule(s).ok);
      expect(disagreements).toEqual([]);
    });
  });

  describe('describeSchedule', () => {
    it.each([
      [null, 'Only when triggered'],
      [interval(1, 'hours'), 'Every hour'],
      [interval(1, 'minutes'), 'Every minute'],
      [interval(15, 'minutes'), 'Every 15 minutes'],
      [interval(2, 'hours'), 'Every 2 hours'],
      [interval(1, 'days'), 'Every day'],
      [interval(3, 'weeks'), 'Every 3 weeks'],
      [cron('0 9 * * 1-5'), 'At 09:00, Monday through Friday (UTC)'],
      [cron('not a cron'), 'not a cron'],
    ])('%j -> %s', (schedule, text) => {
      expect(describeSchedule(schedule)).toBe(text);
    });

    it('reads an expression with stray spaces as the run API does', () => {
      expect(describeSchedule(cron('  0 9 * *  1-5 '))).toBe('At 09:00, Monday through Friday (UTC)');
      expect(nextRuns(cron(' 0 0 1 * * '), 1, new Date('2025-01-03T00:00:00Z')).map((d) => d.toISOString())).toEqual([
        '2025-02-01T00:00:00.000Z',
      ]);
    });

    it('says 09:00–17:59 Monday through Friday for */30 9-17 * * 1-5, in UTC', () => {
      const text = describeSchedule(cron('*/30 9-17 * * 1-5'));
      expect(text).toMatch(/30 minutes/);
      expect(text).toMatch(/09:00 and 17:59/);
      expect(text).toMatch(/Monday through Friday/);
      expect(text).toMatch(/\(UTC\)$/);
    });
  });

  describe('nextRuns', () => {
    const from = new Date('2025-01-03T17:45:00Z'); // a Friday

    it('counts intervals from the given date', () => {
      expect(nextRuns(interval(90, 'minutes'), 3, from).map((d) => d.toISOString())).toEqual([
        '2025-01-03T19:15:00.000Z',
        '2025-01-03T20:45:00.000Z',
        '2025-01-03T22:15:00.000Z',
      ]);
      expect(nextRuns(interval(2, 'weeks'), 2, from).map((d) => d.toISOString())).toEqual([
        '2025-01-17T17:45:00.000Z',
        '2025-01-31T17:45:00.000Z',
      ]);
      expect(nextRuns(interval(1, 'days'), 1, from).map((d) => d.toISOString())).toEqual(['2025-01-04T17:45:00.000Z']);
    });

    it('reads cron expressions in UTC', () => {
      // Past 17:59 on a Friday: the next runs are on Monday morning, UTC.
      expect(nextRuns(cron('*/30 9-17 * * 1-5'), 3, from).map((d) => d.toISOString())).toEqual([
        '2025-01-06T09:00:00.000Z',
        '2025-01-06T09:30:00.000Z',
        '2025-01-06T10:00:00.000Z',
      ]);
      expect(nextRuns(cron('0 0 1 * *'), 2, from).map((d) => d.toISOString())).toEqual([
        '2025-02-01T00:00:00.000Z',
        '2025-03-01T00:00:00.000Z',
      ]);
    });

    it('reads cron expressions in a time zone, across its DST change', () => {
      // Europe/Berlin moves from UTC+1 to UTC+2 on 2025-03-30: 09:00 there is 08:00 UTC, then 07:00 UTC.
      expect(nextRuns(cron('0 9 * * *'), 3, new Date('2025-03-28T12:00:00Z'), 'Europe/Berlin').map((d) => d.toISOString())).toEqual([
        '2025-03-29T08:00:00.000Z',
        '2025-03-30T07:00:00.000Z',
        '2025-03-31T07:00:00.000Z',
      ]);
      expect(describeSchedule(cron('0 9 * * 1-5'), 'Europe/Berlin')).toBe('At 09:00, Monday through Friday (Europe/Berlin)');
    });

    it('has none for no schedule or an invalid one', () => {
      expect(nextRuns(null, 3, from)).toEqual([]);
      expect(nextRuns(interval(1, 'minutes'), 3, from)).toEqual([]);
      expect(nextRuns(cron('61 * * * *'), 3, from)).toEqual([]);
    });
  });
});

describe('<pan-schedule-editor>', () => {
  const radio = (name: string) => page.getByRole('radio', { name, exact: true });
  const DEFAULT = "The integration's default";
  const mount = (props: Record<string, unknown> = {}) =>
    mountView('pan-schedule-editor', { defaultSchedule: HOURLY, ...props });
  /** The ISO times of the preview's next runs. */
  const previewRuns = (el: Element) =>
    shadowQueryAll(el, '[part="preview"] time').map((t) => t.getAttribute('datetime')!);

  it('has no axe violations, with a valid and an invalid choice', async () => {
    const el = await mount();
    expect(await axeViolations(el)).toEqual([]);
    await radio('Custom (cron expression, UTC)').click();
    await page.getByLabelText('Cron expression', { exact: true }).fill('nope');
    await expect.element(page.getByRole('alert')).not.toBeEmptyDOMElement();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('selects the default when value is undefined, and previews it', async () => {
    const el = await mount();
    expect(el.value).toBeUndefined();
    expect(el.schedule).toBeUndefined();
    expect(el.legend).toBeUndefined();
    await expect.element(radio(DEFAULT)).toBeChecked();
    await expect.element(radio('Repeat')).not.toBeChecked();
    await expect.element(page.getByRole('group', { name: 'Schedule' })).toBeVisible();
    // The default's own description is shown next to it and in the preview.
    expect(shadowText(el, '.option__hint')).toBe('Every hour');
    expect(shadowText(el, '.preview__summary')).toBe('Every hour');
    expect(previewRuns(el)).toHaveLength(3);
    // The interval and cron inputs only apply to their own choice.
    await expect.element(page.getByLabelText('Every', { exact: true })).toBeDisabled();
    await expect.element(page.getByLabelText('Cron expression', { exact: true })).toBeDisabled();
    expect(el.checkValidity()).toBe(true);
  });

  it('emits pan-schedule-change for each choice', async () => {
    const changes = listen('pan-schedule-change');
    const el = await mount();

    await radio('Repeat').click();
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: HOURLY, valid: true });
    await page.getByLabelText('Every', { exact: true }).fill('2');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: interval(2, 'hours'), valid: true });
    await page.getByLabelText('Unit', { exact: true }).selectOptions('days');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: interval(2, 'days'), valid: true });

    await radio('Custom (cron expression, UTC)').click();
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: cron('0 9 * * 1-5'), valid: true });
    await page.getByLabelText('Cron expression', { exact: true }).fill(' */30 9-17 * * 1-5 ');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: cron('*/30 9-17 * * 1-5'), valid: true });

    await radio('Only when triggered').click();
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: null, valid: true });

    await radio(DEFAULT).click();
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: undefined, valid: true });

    expect(changes).toHaveLength(7);
    expect(changes.every((e) => e.bubbles && e.composed && !e.cancelable)).toBe(true);
    expect(changes.every((e) => e.target === el)).toBe(true);
  });

  it('raises the interval to the unit minimum when switching to minutes', async () => {
    const changes = listen('pan-schedule-change');
    await mount();
    await radio('Repeat').click();
    await page.getByLabelText('Unit', { exact: true }).selectOptions('minutes');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: interval(5, 'minutes'), valid: true });
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(5);
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveAttribute('min', '5');
  });

  it('shows an error for an interval below the minimum', async () => {
    const changes = listen('pan-schedule-change');
    const el = await mount();
    await radio('Repeat').click();
    await page.getByLabelText('Unit', { exact: true }).selectOptions('minutes');
    await page.getByLabelText('Every', { exact: true }).fill('3');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: interval(3, 'minutes'), valid: false });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Enter a whole number of minutes from 5 to 1440');
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    expect(el.checkValidity()).toBe(false);
  });

  it('refuses what the run API would refuse: too long an interval, too frequent a cron expression', async () => {
    const changes = listen('pan-schedule-change');
    await mount();
    await radio('Repeat').click();
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveAttribute('max', '168');
    await page.getByLabelText('Every', { exact: true }).fill('200');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: interval(200, 'hours'), valid: false });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Enter a whole number of hours from 1 to 168');

    await radio('Custom (cron expression, UTC)').click();
    await page.getByLabelText('Cron expression', { exact: true }).fill('* * * * *');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: cron('* * * * *'), valid: false });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Runs must be at least 5 minutes apart');
  });

  it('shows an invalid cron expression as an alert and reports valid: false', async () => {
    const changes = listen('pan-schedule-change');
    const el = await mount();
    await radio('Custom (cron expression, UTC)').click();
    await expect.element(page.getByRole('alert')).toBeEmptyDOMElement();

    const input = page.getByLabelText('Cron expression', { exact: true });
    await input.fill('0 25 * * *');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: cron('0 25 * * *'), valid: false });
    await expect.element(page.getByRole('alert')).toHaveTextContent(/^Not a valid cron expression: .*hour/);
    await expect.element(input).toHaveAttribute('aria-invalid', 'true');
    await expect.element(input).toHaveAccessibleDescription(/Not a valid cron expression/);
    expect(el.checkValidity()).toBe(false);
    expect(shadowText(el, '.preview__summary')).toBe('Fix the schedule to see when it runs.');
    expect(previewRuns(el)).toEqual([]);

    await input.fill('0 9 *');
    await expect.element(page.getByRole('alert')).toHaveTextContent(/has 5 fields/);

    // Fixed: the error goes.
    await input.fill('0 23 * * *');
    expect(changes.at(-1)!.detail).toMatchObject({ schedule: cron('0 23 * * *'), valid: true });
    await expect.element(page.getByRole('alert')).toBeEmptyDOMElement();
    await expect.element(input).toHaveAttribute('aria-invalid', 'false');
    expect(el.checkValidity()).toBe(true);
  });

  it('previews the next runs of the choice', async () => {
    const el = await mount();
    await radio('Repeat').click();
    await page.getByLabelText('Every', { exact: true }).fill('2');
    await expect.poll(() => shadowText(el, '.preview__summary')).toBe('Every 2 hours');
    const runs = previewRuns(el).map((iso) => new Date(iso).getTime());
    expect(runs).toHaveLength(3);
    expect(runs[1]! - runs[0]!).toBe(2 * 3_600_000);
    expect(runs[2]! - runs[1]!).toBe(2 * 3_600_000);
    expect(runs[0]!).toBeGreaterThan(Date.now());
    expect(shadowText(el, '[part="preview"]')).toContain('Next runs:');

    await radio('Custom (cron expression, UTC)').click();
    await page.getByLabelText('Cron expression', { exact: true }).fill('0 12 * * *');
    await expect.poll(() => shadowText(el, '.preview__summary')).toBe('At 12:00 (UTC)');
    expect(previewRuns(el)).toHaveLength(3);
    expect(previewRuns(el).every((iso) => iso.endsWith('T12:00:00.000Z'))).toBe(true);

    await radio('Only when triggered').click();
    await expect.poll(() => shadowText(el, '.preview__summary')).toBe('Only when triggered');
    expect(previewRuns(el)).toEqual([]);
    expect(shadowText(el, '[part="preview"]')).not.toContain('Next runs:');
  });

  it('says the time zone, shows the next runs in it, and emits the zone and missed-fire policy chosen', async () => {
    const changes = listen('pan-schedule-change');
    const el = await mount({ value: cron('0 9 * * *'), timeZone: 'Asia/Tokyo' });
    await expect.element(radio('Custom (cron expression, Asia/Tokyo)')).toBeChecked();
    expect(shadowText(el, '.preview__summary')).toBe('At 09:00 (Asia/Tokyo)');
    // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC, and the list shows the wall-clock 09:00.
    expect(previewRuns(el).every((iso) => iso.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(shadowText(el, '[part="preview"] li')).toMatch(/09:00/);
    await expect.element(page.getByLabelText('Time zone', { exact: true })).toHaveValue('Asia/Tokyo');
    await expect.element(page.getByLabelText('After downtime', { exact: true })).toHaveValue('once');

    await page.getByLabelText('Time zone', { exact: true }).selectOptions('America/New_York');
    await expect.poll(() => shadowText(el, '.preview__summary')).toBe('At 09:00 (America/New_York)');
    // 13:00 or 14:00 UTC, as New York's DST says.
    expect(previewRuns(el).every((iso) => /T1[34]:00:00\.000Z$/.test(iso))).toBe(true);
    expect(changes.at(-1)!.detail).toEqual({ schedule: cron('0 9 * * *'), valid: true, timeZone: 'America/New_York', missedFires: 'once' });
    await page.getByLabelText('After downtime', { exact: true }).selectOptions('skip');
    expect(changes.at(-1)!.detail).toMatchObject({ timeZone: 'America/New_York', missedFires: 'skip' });
    expect(await axeViolations(el)).toEqual([]);
  });

  it('selects the option of a value set by the host', async () => {
    const el = await mount({ legend: 'When it runs' });
    await expect.element(page.getByRole('group', { name: 'When it runs' })).toBeVisible();

    el.value = interval(3, 'days');
    await el.updateComplete;
    await expect.element(radio('Repeat')).toBeChecked();
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(3);
    await expect.element(page.getByLabelText('Every', { exact: true })).toBeEnabled();
    await expect.element(page.getByLabelText('Unit', { exact: true })).toHaveValue('days');
    expect(el.schedule).toEqual(interval(3, 'days'));

    el.value = cron('*/30 9-17 * * 1-5');
    await el.updateComplete;
    await expect.element(radio('Custom (cron expression, UTC)')).toBeChecked();
    await expect.element(page.getByLabelText('Cron expression', { exact: true })).toHaveValue('*/30 9-17 * * 1-5');
    expect(shadowText(el, '.preview__summary')).toMatch(/09:00 and 17:59, Monday through Friday \(UTC\)/);

    el.value = null;
    await el.updateComplete;
    await expect.element(radio('Only when triggered')).toBeChecked();
    expect(el.schedule).toBeNull();

    el.value = undefined;
    await el.updateComplete;
    await expect.element(radio(DEFAULT)).toBeChecked();
    expect(el.schedule).toBeUndefined();
  });

  it("keeps the user's choice when the host sets an equal value again, not a different one", async () => {
    const el = await mount({ value: interval(3, 'days') });
    await page.getByLabelText('Every', { exact: true }).fill('2');
    el.value = interval(3, 'days'); // a new object, same schedule (a host re-rendering)
    await el.updateComplete;
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(2);
    expect(el.schedule).toEqual(interval(2, 'days'));

    el.value = interval(4, 'days');
    await el.updateComplete;
    await expect.element(page.getByLabelText('Every', { exact: true })).toHaveValue(4);
    expect(el.schedule).toEqual(interval(4, 'days'));
  });

  it('emits nothing when the host sets the value', async () => {
    const changes = listen('pan-schedule-change');
    const el = await mount({ value: cron('0 9 * * *') });
    await expect.element(radio('Custom (cron expression, UTC)')).toBeChecked();
    el.value = null;
    await el.updateComplete;
    expect(changes).toHaveLength(0);
  });

  it('describes an integration without a default schedule', async () => {
    const el = await mount({ defaultSchedule: null });
    expect(shadowText(el, '.option__hint')).toBe('Only when triggered');
    expect(shadowText(el, '.preview__summary')).toBe('Only when triggered');
    expect(previewRuns(el)).toEqual([]);
  });
});

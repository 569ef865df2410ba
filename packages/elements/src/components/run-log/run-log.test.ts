import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import type { RunLogLine, Tenant } from '@pan/contract';
import {
  axeViolations,
  cleanup,
  focused,
  mountView,
  newUser,
  runToEnd,
  shadowQuery,
  shadowQueryAll,
  shadowText,
  stack,
} from '../../../test/harness.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { followTrigger, startRun } from '../../internal/trigger.ts';
import type { PanRunLog } from './run-log.component.ts';

afterEach(cleanup);

const ESC = '\x1b';

const NOT_CONNECTED = '[pan] not connected to HubSpot: no PAN_SEC_HUBSPOT_* variables';

/** A HubSpot tenant whose runs log `Syncing contacts (both)` then `contact N synced` for N in 1..records. */
async function hubspot(records = 5, xti?: Record<string, unknown>) {
  const { api } = await newUser('engineering', xti);
  const tenant = await api.request<Tenant>('POST', '/marketplace/tenants', {
    body: { integration: 'hubspot-contacts', configs: { direction: 'both', records_per_page: records } },
  });
  return { api, tenant };
}

/** A finished HubSpot run: its id and the lines it logged. */
async function finishedRun(records = 5) {
  const { api, tenant } = await hubspot(records);
  const done = await runToEnd(api, tenant.id);
  expect(done.run_status).toBe('Succeeded');
  // The fixture user has not connected HubSpot: the engine's note comes first.
  const expected = [NOT_CONNECTED, 'Syncing contacts (both)', ...Array.from({ length: records }, (_, i) => `contact ${i + 1} synced`)];
  return { api, tenant, runId: done.run_id!, expected };
}

const mountLog = (api: RunApiClient, runId: string, extra: Record<string, unknown> = {}) =>
  mountView('pan-run-log', { api, runId, ...extra });

const lineTexts = (el: PanRunLog) =>
  shadowQueryAll(el, '[part="line-text"]').map((n) => n.textContent ?? '');
const status = (el: PanRunLog) => shadowText(el, '[part="status"]');
const linesBox = (el: PanRunLog) => shadowQuery(el, '[part="lines"]')!;
const jumpButton = () => page.getByRole('button', { name: 'Jump to latest' });

/** Waits until the log shows every expected line and the final status. */
async function shown(el: PanRunLog, expected: string[], final = 'Succeeded') {
  await expect.poll(() => lineTexts(el), { timeout: 15_000 }).toEqual(expected);
  await expect.poll(() => status(el)).toBe(final);
}

interface StreamPlan {
  /** Cut the connection (a network error) after this many `line` events. */
  cutAfter?: number;
  /** Hold the stream after this many `line` events until `release` resolves. */
  holdAfter?: number;
  release?: Promise<void>;
  /** `line` events to send just before the `end` event. */
  inject?: RunLogLine[];
}

/**
 * Passes the real SSE log responses through a reshaper (per connection, in order): `plan(n)` says
 * what to do with the n-th connection. Returns the headers of each SSE request (sent or refused).
 */
function interceptLogStreams(plan: (connection: number) => StreamPlan | undefined): Headers[] {
  const requests: Headers[] = [];
  const original = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const headers = new Headers(init?.headers);
    if (!String(input).endsWith('/log') || headers.get('accept') !== 'text/event-stream') return original(input, init);
    const shape = plan(requests.push(headers) - 1);
    const response = await original(input, init);
    if (!shape || !response.body) return response;
    return new Response(reshape(response.body, shape), { status: response.status, headers: response.headers });
  });
  return requests;
}

/** The response body as `plan` shapes it: one SSE event per read, so a cut loses nothing sent before it. */
function reshape(source: ReadableStream<BufferSource>, plan: StreamPlan): ReadableStream<Uint8Array> {
  const reader = source.pipeThrough(new TextDecoderStream()).getReader();
  const events = shaped(reader, plan);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await events.next();
          if (done) controller.close();
          else controller.enqueue(encoder.encode(value));
        } catch (error) {
          controller.error(error);
        }
      },
      cancel: () => reader.cancel(),
    },
    { highWaterMark: 0 },
  );
}

async function* shaped(reader: ReadableStreamDefaultReader<string>, plan: StreamPlan): AsyncGenerator<string> {
  let buffer = '';
  let lines = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, end + 2);
      buffer = buffer.slice(end + 2);
      if (event.includes('event: end') && plan.inject) {
        yield plan.inject.map((l) => `id: ${l.seq}\nevent: line\ndata: ${JSON.stringify(l)}\n\n`).join('');
      }
      yield event;
      if (event.includes('event: line')) lines++;
      if (lines === plan.cutAfter) {
        await reader.cancel();
        throw new TypeError('network error');
      }
      if (lines === plan.holdAfter) await plan.release;
    }
  }
}

describe('<pan-run-log>', () => {
  it('has no axe violations', async () => {
    const { api, runId, expected } = await finishedRun(3);
    const el = await mountLog(api, runId);
    await shown(el, expected);
    expect(await axeViolations(el)).toEqual([]);
  });

  it("shows a run's lines with their times, then its final status", async () => {
    const { api, runId, expected } = await finishedRun(5);
    const el = await mountLog(api, runId);
    await shown(el, expected);
    const log = page.getByRole('log', { name: 'Run log' });
    await expect.element(log).toBeVisible();
    await expect.element(log).toHaveAttribute('aria-live', 'polite');
    const times = shadowQueryAll<HTMLTimeElement>(el, '[part="line-time"]');
    expect(times).toHaveLength(expected.length);
    for (const time of times) {
      expect(Number.isNaN(Date.parse(time.dateTime))).toBe(false);
      expect(time.textContent).toMatch(/^\d\d:\d\d:\d\d[.,]\d{3}$/);
    }
    expect(el.matches(':state(ended)')).toBe(true);
    expect(shadowQuery(el, '[part="truncated"]')).toBeNull();
  });

  it('renders ANSI colours as classed spans and markup as text', async () => {
    const { api, runId, expected } = await finishedRun(1);
    const at = new Date().toISOString();
    interceptLogStreams(() => ({
      inject: [
        { seq: 100, at, line: `${ESC}[1;31mError:${ESC}[0m <b>not bold</b> ${ESC}[2K${ESC}[92mok` },
        { seq: 101, at, line: `still green${ESC}[0m` },
      ],
    }));
    const el = await mountLog(api, runId);
    await shown(el, [...expected, 'Error: <b>not bold</b> ok', 'still green']);
    const [error, ok] = shadowQueryAll(el, '[data-seq="100"] [part="line-text"] span');
    expect(error!.className).toBe('ansi-red ansi-bold');
    expect(error!.textContent).toBe('Error:');
    expect(ok!.className).toBe('ansi-bright-green');
    expect(shadowQuery(el, 'b')).toBeNull();
    // The colour carries over to the next line, up to its reset.
    expect(shadowQuery(el, '[data-seq="101"] [part="line-text"] span')!.className).toBe('ansi-bright-green');
    expect(getComputedStyle(error!).fontWeight).toBe('700');
  });

  it('follows the tail until the user scrolls up, then offers Jump to latest', async () => {
    const { api, runId, expected } = await finishedRun(60);
    let release!: () => void;
    interceptLogStreams((n) => (n === 0 ? { holdAfter: 30, release: new Promise<void>((r) => (release = r)) } : undefined));
    const el = await mountLog(api, runId);
    el.style.setProperty('--pan-run-log-height', '8rem');
    const box = linesBox(el);
    const atBottom = () => box.scrollHeight - box.scrollTop - box.clientHeight <= 16;

    await expect.poll(() => lineTexts(el).length).toBe(30);
    expect(box.scrollHeight).toBeGreaterThan(box.clientHeight * 2);
    await expect.poll(atBottom).toBe(true);
    expect(el.matches(':state(following)')).toBe(true);
    await expect.element(jumpButton()).not.toBeInTheDocument();

    // The user scrolls up: the log stays there while lines keep coming.
    box.scrollTop = 0;
    await expect.element(jumpButton()).toBeVisible();
    expect(el.matches(':state(following)')).toBe(false);
    release();
    await shown(el, expected);
    expect(box.scrollTop).toBe(0);

    await jumpButton().click();
    expect(atBottom()).toBe(true);
    await expect.element(jumpButton()).not.toBeInTheDocument();
    expect(focused(el)).toBe(box);
    expect(el.matches(':state(following)')).toBe(true);
  });

  it('resumes with Last-Event-ID after the connection dropped, each line once', async () => {
    const { api, runId, expected } = await finishedRun(8);
    const requests = interceptLogStreams((n) => (n === 0 ? { cutAfter: 3 } : undefined));
    const el = await mountLog(api, runId);
    await shown(el, expected);
    expect(requests[0]!.get('last-event-id')).toBeNull();
    expect(requests[1]!.get('last-event-id')).toBe('3');
    // The API's CORS rules allow Last-Event-ID: the second request resumed, no third was needed.
    expect(requests).toHaveLength(2);
    expect(requests.every((h) => h.get('authorization')?.startsWith('Bearer '))).toBe(true);
    const seqs = shadowQueryAll(el, '[part="line"]').map((l) => Number(l.dataset.seq));
    expect(seqs).toEqual(expected.map((_, i) => i + 1));
  });

  it('shows the lines of a run that is still running, then its end', async () => {
    const { api, tenant } = await hubspot(40);
    const triggerId = await startRun(api, tenant.id, 'normal');
    let running!: (runId: string) => void;
    const runIdKnown = new Promise<string>((resolve) => (running = resolve));
    const finished = followTrigger(api, triggerId, { firstDelay: 50, onChange: (s) => s.run_id && running(s.run_id) });
    // Mounted as soon as the run exists (it may have ended since: the log catches up either way).
    const el = await mountLog(api, await runIdKnown);
    // The status is a polite live region, there from the start, whose text follows the run.
    const region = shadowQuery(el, '[part="status"]')!;
    expect([region.getAttribute('role'), region.getAttribute('aria-live')]).toEqual(['status', 'polite']);
    const announced: string[] = [];
    const observer = new MutationObserver(() => announced.push(region.textContent!.trim()));
    observer.observe(region, { childList: true, characterData: true, subtree: true });
    await expect.element(page.getByText('contact 40 synced')).toBeVisible();
    await expect.poll(() => status(el)).toBe('Succeeded');
    observer.disconnect();
    expect(announced.at(-1)).toBe('Succeeded');
    // Each change is a new text: nothing is read twice.
    expect(announced.filter((text, i) => text === announced[i - 1])).toEqual([]);
    expect(shadowQuery(el, '[part="status"]')).toBe(region);
    expect(lineTexts(el)).toHaveLength(42);
    expect((await finished).run_status).toBe('Succeeded');
  });

  it('Copy puts the log on the clipboard', async () => {
    const { api, runId, expected } = await finishedRun(3);
    const el = await mountLog(api, runId);
    await shown(el, expected);
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => writeText.mock.calls.length).toBe(1);
    const copied = writeText.mock.calls[0]![0].split('\n');
    expect(copied.map((l) => l.replace(/^\S+ /, ''))).toEqual(expected);
    expect(copied.every((l) => /^\d{4}-\d\d-\d\dT\S+Z /.test(l))).toBe(true);
    await expect.element(page.getByText('Copied.')).toBeVisible();
  });

  it('Download saves the text log through an object URL and a temporary link', async () => {
    const { api, runId, expected } = await finishedRun(3);
    const el = await mountLog(api, runId);
    await shown(el, expected);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    let blob: Blob | undefined;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blob = b as Blob;
      return 'blob:test-download';
    });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await page.getByRole('button', { name: 'Download' }).click();
    await expect.poll(() => clicked.length).toBe(1);
    expect(clicked[0]!.download).toBe(`run-${runId}.log`);
    expect(clicked[0]!.getAttribute('href')).toBe('blob:test-download');
    expect(clicked[0]!.isConnected).toBe(false);
    const text = (await blob!.text()).trimEnd().split('\n');
    expect(text.slice(0, -1).map((l) => l.replace(/^\S+ /, ''))).toEqual(expected);
    expect(text.at(-1)).toBe('[pan] Succeeded');
    // The token went in the header, not the URL.
    const [url, init] = fetchSpy.mock.calls.at(-1)!;
    expect(String(url)).toBe(`${stack.apiBase}/marketplace/runs/${runId}/log`);
    expect(new Headers(init?.headers).get('accept')).toBe('text/plain');
    expect(new Headers(init?.headers).get('authorization')).toMatch(/^Bearer /);
  });

  it('shows the truncation note: from Run.log_truncated, or from the log line that says so', async () => {
    const { api, runId, expected } = await finishedRun(2);
    const el = await mountLog(api, runId, { truncated: true });
    await shown(el, expected);
    await expect.element(page.getByText(/The log was cut at its size limit/)).toBeVisible();
    cleanup();

    const marker = '[pan] log truncated: 1200 more bytes of stderr were not kept';
    interceptLogStreams(() => ({ inject: [{ seq: 50, at: new Date().toISOString(), line: marker }] }));
    const other = await mountLog(api, runId);
    await shown(other, [...expected, marker]);
    await expect.element(page.getByText(/The log was cut at its size limit/)).toBeVisible();
    expect(await axeViolations(other)).toEqual([]);
  });

  it('draws thousands of lines in batches, without losing any', async () => {
    const { api, runId, expected } = await finishedRun(1);
    const at = new Date().toISOString();
    const many = Array.from({ length: 4000 }, (_, i) => ({ seq: 10 + i, at, line: `${ESC}[3${i % 8}mline ${i}${ESC}[0m` }));
    interceptLogStreams(() => ({ inject: many }));
    const el = await mountLog(api, runId);
    const counts: number[] = [];
    await expect
      .poll(
        () => {
          counts.push(lineTexts(el).length);
          return counts.at(-1);
        },
        { timeout: 15_000, interval: 5 },
      )
      .toBe(expected.length + many.length);
    // Several frames drew them, each at most a batch.
    expect(new Set(counts).size).toBeGreaterThan(2);
    expect(lineTexts(el).at(-1)).toBe('line 3999');
    await expect.poll(() => status(el)).toBe('Succeeded');
  });

  it('says why when the user may not read logs', async () => {
    const { api, tenant } = await hubspot(1, { permissions: ['run'] });
    const done = await runToEnd(api, tenant.id);
    const el = await mountLog(api, done.run_id!);
    await expect.element(page.getByRole('alert')).toHaveTextContent(/The log could not be shown: .*read run logs/);
    expect(lineTexts(el)).toEqual([]);
    expect(await axeViolations(el)).toEqual([]);
  });
});

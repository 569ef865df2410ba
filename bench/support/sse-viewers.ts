/**
 * SSE viewers for bench/logs.bench.ts, in their own process: `viewers` plain fetch() clients follow
 * a run's log (`Accept: text/event-stream`, Bearer token). Prints `ready` once every stream is
 * open, then, when every stream has its `end` event (or the deadline passes), one JSON line:
 * per-viewer counts and order, and latency percentiles over every line of every viewer.
 *
 * A line the script printed is `bench-line <n> <Date.now() at emission>`; latency is
 * Date.now() when the chunk carrying it was read, minus that.
 */
export {};

interface Input {
  url: string;
  token: string;
  viewers: number;
  expected: number;
  timeoutMs: number;
}

interface Viewer {
  received: number;
  inOrder: boolean;
  lastN: number;
  lastSeq: number;
  ended: string | null;
  error: string | null;
}

const input = JSON.parse(process.argv[2]!) as Input;
const latencies = new Float64Array(input.viewers * input.expected);
let filled = 0;
const viewers: Viewer[] = [];
const LINE = /"line":"bench-line (\d+) (\d+)"/;
const SEQ = /^\{"seq":(\d+),/;

async function follow(viewer: Viewer, opened: () => void): Promise<void> {
  const response = await fetch(input.url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${input.token}` } });
  if (response.status !== 200 || !response.body) throw new Error(`GET ${input.url} answered ${response.status}`);
  opened();
  const decoder = new TextDecoder();
  let buffered = '';
  let event = 'message';
  const reader = response.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = Date.now();
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line === '') {
        event = 'message';
      } else if (line.startsWith('event: ')) {
        event = line.slice(7);
      } else if (line.startsWith('data: ')) {
        const data = line.slice(6);
        if (event === 'end') {
          viewer.ended = (JSON.parse(data) as { status: string }).status;
          continue;
        }
        const seq = Number(SEQ.exec(data)?.[1]);
        if (!(seq > viewer.lastSeq)) viewer.inOrder = false;
        viewer.lastSeq = seq;
        const m = LINE.exec(data);
        if (!m) continue; // a line of the platform's own ([pan] ...)
        const n = Number(m[1]);
        if (n !== viewer.lastN + 1) viewer.inOrder = false;
        viewer.lastN = n;
        viewer.received += 1;
        if (filled < latencies.length) latencies[filled++] = now - Number(m[2]);
      }
    }
  }
}

let opened = 0;
let announce: () => void;
const allOpen = new Promise<void>((resolve) => (announce = resolve));
const done: Promise<void>[] = [];
for (let i = 0; i < input.viewers; i++) {
  const viewer: Viewer = { received: 0, inOrder: true, lastN: 0, lastSeq: 0, ended: null, error: null };
  viewers.push(viewer);
  done.push(
    follow(viewer, () => {
      if (++opened === input.viewers) announce();
    }).catch((error: unknown) => {
      viewer.error = String(error);
      if (++opened === input.viewers) announce();
    }),
  );
}
await allOpen;
console.log('ready');
let timer: NodeJS.Timeout | undefined;
const timedOut = await Promise.race([
  Promise.all(done).then(() => false),
  new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), input.timeoutMs))),
]);
clearTimeout(timer);
const sorted = latencies.subarray(0, filled).sort();
const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : Number.NaN);
const received = viewers.map((v) => v.received);
console.log(
  JSON.stringify({
    timedOut,
    samples: filled,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    receivedMin: Math.min(...received),
    receivedMax: Math.max(...received),
    allComplete: viewers.every((v) => v.received === input.expected && v.lastN === input.expected),
    allInOrder: viewers.every((v) => v.inOrder),
    ended: [...new Set(viewers.map((v) => v.ended))],
    errors: viewers.map((v) => v.error).filter(Boolean),
  }),
);
process.exit(0);

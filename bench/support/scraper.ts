/**
 * A Prometheus stand-in for bench/webhook.bench.ts, in its own process (as Prometheus would be). It
 * is started once, before any round, so that its own start (node, tsx) does not land in a measured
 * round: it prints `ready`, then on each stdin line `start` GETs `/metrics` with the bearer token
 * every `intervalMs` until the line `stop`, and prints one JSON line for that period: how many
 * scrapes answered 200, how many did not, each one's time (ms), and the samples of the last. It
 * exits when stdin closes.
 */
import { createInterface } from 'node:readline';

interface Input {
  url: string;
  token: string;
  intervalMs: number;
}

const input = JSON.parse(process.argv[2]!) as Input;
let scraping: Promise<void> | undefined;
let stopping = false;
let out = { ok: 0, failed: 0, times: [] as number[], samples: 0 };

async function scrapeUntilStopped(): Promise<void> {
  while (!stopping) {
    const started = performance.now();
    try {
      const response = await fetch(input.url, { headers: { authorization: `Bearer ${input.token}` } });
      const text = await response.text();
      if (response.status === 200) {
        out.ok++;
        out.times.push(Math.round((performance.now() - started) * 100) / 100);
        out.samples = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
      } else out.failed++;
    } catch {
      out.failed++;
    }
    if (!stopping) await new Promise((resolve) => setTimeout(resolve, input.intervalMs));
  }
}

console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'start' && !scraping) {
    stopping = false;
    out = { ok: 0, failed: 0, times: [], samples: 0 };
    scraping = scrapeUntilStopped();
  } else if (line === 'stop' && scraping) {
    stopping = true;
    await scraping;
    scraping = undefined;
    console.log(JSON.stringify(out));
  }
}
export {};

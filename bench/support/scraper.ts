/**
 * A Prometheus stand-in for bench/webhook.bench.ts, in its own process (as Prometheus would be):
 * GETs `/metrics` with the bearer token every `intervalMs` for `duration` seconds. Prints one JSON
 * line: how many scrapes answered 200, how many did not, each one's time (ms), and the samples of the last.
 */
interface Input {
  url: string;
  token: string;
  intervalMs: number;
  duration: number;
}

const input = JSON.parse(process.argv[2]!) as Input;
const end = performance.now() + input.duration * 1000;
const out = { ok: 0, failed: 0, times: [] as number[], samples: 0 };
while (performance.now() < end) {
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
  await new Promise((resolve) => setTimeout(resolve, input.intervalMs));
}
console.log(JSON.stringify(out));
export {};

/**
 * Load generator for bench/webhook.bench.ts, in its own process (so it does not share the server's
 * event loop): autocannon POSTing one small JSON body, spread over several URLs. Prints one JSON line.
 */
import autocannon from 'autocannon';

interface Input {
  urls: string[];
  connections: number;
  duration: number;
  body: string;
}

const input = JSON.parse(process.argv[2]!) as Input;
const result = await autocannon({
  url: input.urls,
  connections: input.connections,
  duration: input.duration,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: input.body,
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0])),
    duration: result.duration,
  }),
);

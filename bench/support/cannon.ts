/**
 * Load generator for bench/webhook.bench.ts, in its own process (so it does not share the server's
 * event loop): autocannon POSTing one small JSON body, spread over several URLs. Prints one JSON
 * line: autocannon's counts and every response time (ms), so that rounds can be merged exactly.
 */
import autocannon from 'autocannon';

interface Input {
  urls: string[];
  connections: number;
  duration: number;
  body: string;
}

const input = JSON.parse(process.argv[2]!) as Input;
const latencies: number[] = [];
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      // autocannon spreads the connections over several URLs (its types only say string).
      url: input.urls as unknown as string,
      connections: input.connections,
      duration: input.duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: input.body,
    },
    (error, res) => (error ? reject(error) : resolve(res)),
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(Math.round(responseTime * 100) / 100));
});
console.log(
  JSON.stringify({
    duration: result.duration,
    total: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0])),
    latencies,
  }),
);

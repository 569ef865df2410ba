import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant, TriggerStatus } from '@pan/contract';
import { buildApp } from '../../src/http/app.ts';
import { readConfig } from '../../src/platform/config.ts';
import { SecretBox } from '../../src/platform/crypto/secret-box.ts';
import { startTelemetry } from '../../src/platform/telemetry.ts';
import { startServer } from '../../src/server.ts';
import { startTestStack, type TestStack } from '../support/index.ts';
import { endUserToken, runOfTrigger, scriptIntegration } from '../modules/runs/run-support.ts';

/**
 * OpenTelemetry: a real server (startServer, as `pan serve` and server.ts start it) with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a tiny OTLP/HTTP receiver (JSON protocol) here. A request
 * and a run must arrive as spans with their attributes once the server is closed (its close flushes).
 */

/** An OTLP JSON attribute list as a plain object. */
type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
function attributesOf(list: Array<{ key: string; value: AnyValue }> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
  }
  return out;
}

interface ReceivedSpan {
  name: string;
  traceId: string;
  kind: number;
  status: { code?: number };
  attributes: Record<string, unknown>;
  service: unknown;
}

const key = randomBytes(32);
const received: ReceivedSpan[] = [];
const requests: string[] = [];
const protobufBodies: Buffer[] = [];
let receiver: http.Server;
let stack: TestStack;
let dataDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      if (req.headers['content-type'] !== 'application/json') {
        protobufBodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = attributesOf(rs.resource?.attributes)['service.name'];
        for (const ss of rs.scopeSpans ?? [])
          for (const span of ss.spans ?? []) received.push({ ...span, attributes: attributesOf(span.attributes), service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, box: new SecretBox(key), listen: false });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-otel-test-'));
});

afterAll(async () => {
  process.env = saved;
  await stack?.stop();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('OpenTelemetry traces', () => {
  it('loads nothing without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    expect(await startTelemetry()).toBeUndefined();
  });

  it('exports a span per HTTP request and per run to the OTLP endpoint, flushed at close', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_SERVICE_NAME = 'pan-otel-test';
    const slug = await scriptIntegration(stack, 'otel-echo', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `console.log(JSON.stringify({ ran: true }));`,
    });
    const jwt = await endUserToken(stack, 'otel-user');
    const server = await startServer(
      readConfig({ DATABASE_URL: stack.databaseUrl, PAN_SECRET_KEY: key.toString('base64'), PAN_DATA_DIR: dataDir, PAN_PORT: '0', PAN_LOG_LEVEL: 'warn' }),
      () => {},
    );
    let closed = false;
    try {
      const headers = { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' };
      const installed = await fetch(`${server.url}/marketplace/tenants`, { method: 'POST', headers, body: JSON.stringify({ integration: slug, configs: {} }) });
      expect(installed.status, await installed.clone().text()).toBe(201);
      const tenant = (await installed.json()) as Tenant;
      const queued = await fetch(`${server.url}/marketplace/tenants/${tenant.id}/runs`, { method: 'POST', headers, body: JSON.stringify({ mode: 'normal' }) });
      expect(queued.status).toBe(202);
      const requestId = queued.headers.get('x-request-id');
      const trigger = (await queued.json()) as TriggerStatus;
      // Then stop, which flushes the spans.
      const run = await runOfTrigger(stack, trigger.trigger_id);
      expect(run.status).toBe('Succeeded');
      await server.close();
      closed = true;

      expect(requests.every((r) => r.startsWith('POST /v1/traces application/json'))).toBe(true);
      const httpSpan = received.find((s) => s.attributes['pan.request_id'] === requestId);
      expect(httpSpan).toBeDefined();
      expect(httpSpan!.service).toBe('pan-otel-test');
      expect(httpSpan!.name).toBe('POST /marketplace/tenants/:id/runs');
      expect(httpSpan!.attributes['http.route']).toBe('/marketplace/tenants/:id/runs');
      expect(httpSpan!.attributes['http.response.status_code']).toBe(202);
      expect(httpSpan!.attributes['http.request.method']).toBe('POST');
      // The route's pattern, not the path (a path can hold a webhook's token).
      expect(JSON.stringify(httpSpan!.attributes)).not.toContain(tenant.id);

      const runSpan = received.find((s) => s.name === 'run' && s.attributes['pan.run.id'] === run.id);
      expect(runSpan).toBeDefined();
      expect(runSpan!.service).toBe('pan-otel-test');
      expect(runSpan!.attributes).toMatchObject({
        'pan.tenant.id': tenant.id,
        'pan.integration': `Script ${slug}`,
        'pan.run.mode': 'normal',
        'pan.run.trigger_count': 1,
        'pan.run.status': 'Succeeded',
      });
      expect(runSpan!.attributes['pan.run.duration_ms']).toEqual(expect.any(Number));
    } finally {
      if (!closed) await server.close();
    }
  });

  it("puts the request's trace id into its log lines", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    const telemetry = await startTelemetry();
    const lines: Array<Record<string, unknown>> = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        callback();
      },
    });
    const app = await buildApp({ db: stack.db, box: stack.box, config: { ...readConfig({ PAN_LOG_LEVEL: 'info' }), dataDir }, logStream, telemetry });
    const answer = await app.inject({ method: 'GET', url: '/health/live' });
    await app.close();
    await telemetry!.shutdown();
    const requestId = answer.headers['x-request-id'];
    const span = received.find((s) => s.attributes['pan.request_id'] === requestId);
    expect(span).toBeDefined();
    const completed = lines.find((l) => l.reqId === requestId && l.msg === 'request completed');
    expect(completed?.traceId).toBe(span!.traceId);
  });

  it('sends OTLP protobuf by default', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    const telemetry = await startTelemetry();
    const app = await buildApp({ db: stack.db, box: stack.box, config: { ...readConfig({ PAN_LOG_LEVEL: 'silent' }), dataDir }, telemetry });
    const answer = await app.inject({ method: 'GET', url: '/health/live' });
    await app.close();
    await telemetry!.shutdown();
    expect(requests.at(-1)).toBe('POST /v1/traces application/x-protobuf');
    // Protobuf keeps strings as they are: the span's request id and route are in the body.
    const body = Buffer.concat(protobufBodies).toString('latin1');
    expect(body).toContain(String(answer.headers['x-request-id']));
    expect(body).toContain('GET /health/live');
  });
});

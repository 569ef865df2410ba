/**
 * OpenTelemetry traces, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: one span per HTTP request (@fastify/otel: route,
 * status, the request id) and one per run (`startRunSpan`, called where a run starts and ends),
 * batched and exported over OTLP/HTTP (`OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf`, the
 * default, or `http/json`). Unset, this module loads no OpenTelemetry code at all (only types are
 * imported statically), so start time and memory are unchanged.
 *
 * The exporter posts with Node's own http client, not through platform/egress.ts: the collector is
 * the operator's own endpoint (often a sidecar on localhost or a private address), set in the
 * environment by whoever runs the server, never by an account or an integration, so the policy that
 * keeps integrations' URLs off the private network does not apply to it.
 */
import type { Span, Tracer } from '@opentelemetry/api';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

export interface Telemetry {
  /** Register first in the app (before any route): it traces every request. */
  fastifyPlugin: FastifyPluginAsync;
  /** Ends what is open and exports the spans still buffered; traces stop. */
  shutdown(): Promise<void>;
}

/** What a run's span is told when the run ends. */
export interface RunSpan {
  end(status: string): void;
}

export interface RunSpanAttributes {
  runId: string;
  accountId: string;
  tenantId: string;
  integrationId: string | number;
  integration: string;
  mode: string;
  queue: string;
  triggerCount: number;
}

/** The tracer runs use: set while telemetry is on (one per process, like the metrics registry). */
let runTracer: Tracer | undefined;
let started: Promise<Telemetry | undefined> | undefined;

export function telemetryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

/**
 * Starts tracing for this process if its environment asks for it; undefined otherwise. Once per
 * process (a second call gets the same one) until `shutdown()`.
 */
export function startTelemetry(): Promise<Telemetry | undefined> {
  // The exporter reads its OTEL_EXPORTER_OTLP_* settings from process.env itself.
  const env = process.env;
  if (!telemetryEnabled(env)) return Promise.resolve(undefined);
  started ??= load(env);
  return started;
}

async function load(env: NodeJS.ProcessEnv): Promise<Telemetry> {
  const [api, { NodeTracerProvider, BatchSpanProcessor }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }, { FastifyOtelInstrumentation }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
    import('@fastify/otel'),
  ]);
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported here: use http/protobuf or http/json`);
  }
  // Both read the endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables themselves.
  const { OTLPTraceExporter } =
    protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || 'pan-run-api' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The global context manager and propagator: a request's span is the parent of what it causes,
  // and a caller's `traceparent` is honoured.
  provider.register();
  runTracer = provider.getTracer('pan-run-api/runs');

  const instrumentation = new FastifyOtelInstrumentation({
    // One span per request: a span per hook would cost more than the request.
    instrumentHooks: false,
    instrumentHandler: false,
    requestHook: (span: Span, request: FastifyRequest) => {
      const route = request.routeOptions.url ?? 'unmatched';
      // The path can hold a secret (a webhook's token): the span carries the route's pattern instead.
      span.setAttribute('url.path', route);
      span.setAttribute('pan.request_id', request.id);
      span.updateName(`${request.method} ${route}`);
    },
  });
  instrumentation.setTracerProvider(provider);
  const traced = instrumentation.plugin();
  const plugin: FastifyPluginAsync = async (app) => {
    await app.register(traced);
    // The trace id goes into the request's later log lines (its answer's included), next to its reqId.
    app.addHook('onRequest', (request, reply, next) => {
      const span = request.opentelemetry().span;
      if (span) request.log = reply.log = request.log.child({ traceId: span.spanContext().traceId });
      next();
    });
  };
  // Its hooks apply to the whole app, not to a child context.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });

  let shutdown: Promise<void> | undefined;
  return {
    fastifyPlugin: plugin,
    shutdown() {
      shutdown ??= (async () => {
        runTracer = undefined;
        started = undefined;
        instrumentation.disable();
        try {
          await provider.shutdown();
        } finally {
          api.trace.disable();
          api.context.disable();
          api.propagation.disable();
        }
      })();
      return shutdown;
    },
  };
}

/** A span for one run, from its claim to its end; undefined (and free) when telemetry is off. */
export function startRunSpan(attributes: RunSpanAttributes): RunSpan | undefined {
  const tracer = runTracer;
  if (!tracer) return undefined;
  const startedAt = performance.now();
  const span = tracer.startSpan('run', {
    attributes: {
      'pan.run.id': attributes.runId,
      'pan.account.id': attributes.accountId,
      'pan.tenant.id': attributes.tenantId,
      'pan.integration.id': attributes.integrationId,
      'pan.integration': attributes.integration,
      'pan.run.mode': attributes.mode,
      'pan.run.queue': attributes.queue,
      'pan.run.trigger_count': attributes.triggerCount,
    },
  });
  return {
    end(status) {
      span.setAttribute('pan.run.status', status);
      span.setAttribute('pan.run.duration_ms', Math.round(performance.now() - startedAt));
      // Only the platform's own failures are errors of this service; a script's failure is the integration's.
      if (status === 'Failed (Platform Issue)' || status === 'error') span.setStatus({ code: 2 /* SpanStatusCode.ERROR */ });
      span.end();
    },
  };
}

/**
 * OpenTelemetry tracing with W3C trace context. Every process propagates `traceparent` (the
 * router to the subgraphs, a request to the jobs it enqueues) whether or not it exports, so a
 * trace begun by a proxy in front of us stays whole. Exporting is off until an OTLP endpoint
 * is configured: the standard `OTEL_*` variables, read by the exporter itself.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ConfigError } from '@supergraph/config';

export { SpanKind, SpanStatusCode, type Context, type Span };

export type Tracing = {
  /** Whether spans leave this process. */
  exporting: boolean;
  /** Sends the spans still buffered; call on shutdown. */
  shutdown(): Promise<void>;
};

const ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

/**
 * Sets up tracing for one process, from env. Without `OTEL_EXPORTER_OTLP_ENDPOINT` (or its
 * traces-only form), or with `OTEL_SDK_DISABLED=true`, nothing is recorded: the trace context
 * is still passed on, at no cost.
 */
export function startTracing(
  service: string,
  source: Record<string, string | undefined> = process.env,
): Tracing {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const variable = ENDPOINT_VARIABLES.find((name) => source[name]);
  if (!variable || source.OTEL_SDK_DISABLED === 'true') {
    return { exporting: false, shutdown: async () => {} };
  }
  const endpoint = source[variable] ?? '';
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new ConfigError(`${variable}: expected an http(s) URL, got "${endpoint}"`);
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: source.OTEL_SERVICE_NAME ?? service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return { exporting: true, shutdown: () => provider.shutdown() };
}

export function tracer(service: string): Tracer {
  return trace.getTracer(service);
}

type Carrier = Record<string, string | string[] | undefined>;

/** The trace context a caller sent in its headers (or job data), if any. */
export function extractTraceContext(carrier: Carrier): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, {
    get: (headers, key) => headers[key],
    keys: (headers) => Object.keys(headers),
  });
}

/** The current trace context as W3C headers, to pass on to a callee or into a job. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(from, headers);
  return headers;
}

/** Headers that make a callee's spans children of `span`. */
export function spanHeaders(span: Span): Record<string, string> {
  return traceHeaders(trace.setSpan(context.active(), span));
}

/** Marks a span failed with the error's kind, never its message: messages may hold input. */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.name : 'error',
  });
}

/** The ids a log line carries to find its trace, when a span is being recorded. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** Runs `fn` inside a new active span that ends (and records failure) when `fn` settles. */
export async function inSpan<T>(
  name: string,
  options: { tracer: Tracer; kind?: SpanKind; parent?: Context; attributes?: Attributes },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = options.tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

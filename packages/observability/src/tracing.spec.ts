import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { ConfigError } from '@supergraph/config';
import { startTracing, traceHeaders } from './tracing.ts';

describe('startTracing', () => {
  it('records nothing without an OTLP endpoint, and passes no trace context on', async () => {
    const tracing = startTracing('spec', {});
    assert.equal(tracing.exporting, false);
    assert.deepEqual(traceHeaders(), {});
    await tracing.shutdown();
  });

  it('stops start-up with one line naming the variable when the endpoint is malformed', () => {
    assert.throws(
      () => startTracing('spec', { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }),
      (error: unknown) =>
        error instanceof ConfigError && /^OTEL_EXPORTER_OTLP_ENDPOINT: /.test(error.message),
    );
    assert.throws(
      () => startTracing('spec', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' }),
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/,
    );
  });

  it('stays off when OTEL_SDK_DISABLED is true, endpoint or not', () => {
    const tracing = startTracing('spec', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SDK_DISABLED: 'true',
    });
    assert.equal(tracing.exporting, false);
  });

  it('records spans once an endpoint is set', async () => {
    const tracing = startTracing('spec', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' });
    try {
      assert.equal(tracing.exporting, true);
      const span = trace.getTracer('spec').startSpan('probe');
      assert.equal(span.isRecording(), true);
      span.end();
    } finally {
      // Nothing listens on port 1: the buffered span is dropped, quickly.
      await tracing.shutdown().catch(() => {});
      trace.disable();
    }
  });
});

/**
 * A job payload without where it came from (the request id and trace context every enqueued
 * job carries), for tests that compare what a job is about.
 */
export function withoutOrigin(payload: unknown): Record<string, unknown> {
  const {
    requestId: _requestId,
    traceparent: _traceparent,
    tracestate: _tracestate,
    ...rest
  } = (payload ?? {}) as Record<string, unknown>;
  return rest;
}

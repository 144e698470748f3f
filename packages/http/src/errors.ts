import type { FastifyReply } from 'fastify';

/** A refusal of a request before it runs, in the GraphQL response shape. */
export type Refusal = {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
};

/** The body of a GraphQL answer that carries one error and no data. */
export function graphQLErrorBody(code: string, message: string, extensions = {}) {
  return { errors: [{ message, extensions: { code, ...extensions } }] };
}

/** Answers with a refusal; the reply is sent once this returns. */
export function refuse(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return reply
    .code(refusal.status)
    .headers(refusal.headers ?? {})
    .type('application/json; charset=utf-8')
    .send(graphQLErrorBody(refusal.code, refusal.message, refusal.extensions));
}

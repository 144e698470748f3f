/**
 * The log lines one request causes, in the router and in every subgraph it reaches, all carry
 * its request id; credentials never reach a log line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { createLogger } from '@supergraph/observability';
import { postGraphQL } from '@supergraph/testing';
import { startSystem, type System } from './harness.ts';

type Line = { name: string; msg: string; requestId?: string; [key: string]: unknown };

const PASSWORD = 'correct horse battery staple 42';
let system: System;
let text = '';
const sink = new PassThrough();
sink.on('data', (chunk: Buffer) => {
  text += chunk.toString('utf8');
});

/** The lines written while `fn` ran. */
async function linesOf(fn: () => Promise<unknown>): Promise<Line[]> {
  const from = text.length;
  await fn();
  // Lines are written when a response closes, a tick after the client has it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return text
    .slice(from)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
}

before(async () => {
  system = await startSystem({ logs: { level: 'debug', destination: sink } });
});
after(() => system.stop());

function ask(query: string, headers: Record<string, string> = {}, variables = {}) {
  return fetch(system.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

describe('request logs', () => {
  let token = '';

  it('signs up and logs in without writing the password or the token anywhere', async () => {
    const signUp = 'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }';
    const logIn =
      'mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) { token } }';
    const lines = await linesOf(async () => {
      const res = await postGraphQL<{ signUp: { token: string } }>(system.url, signUp, {
        variables: { input: { name: 'Logged Lou', email: 'lou@example.com', password: PASSWORD } },
      });
      token = res.data!.signUp.token;
      const wrong = await postGraphQL(system.url, logIn, {
        variables: { email: 'lou@example.com', password: `${PASSWORD}!` },
      });
      assert.equal(wrong.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      // A password where a number belongs: a coercion error that echoes variables if any do.
      await postGraphQL(
        system.url,
        'query ($first: Int) { products(first: $first) { edges { cursor } } }',
        {
          variables: { first: PASSWORD },
        },
      );
      await ask('{ me { name } }', { authorization: `Bearer ${token}` });
    });
    // An access line per request at the router, and one per subgraph call.
    assert.ok(lines.length >= 7, `lines were written (${lines.length})`);
    const written = JSON.stringify(lines);
    assert.ok(token.length > 20);
    assert.ok(!written.includes(PASSWORD), 'no password in the logs');
    assert.ok(!written.includes(token), 'no token in the logs');
    assert.ok(!written.includes(token.split('.')[2]!), 'no token signature in the logs');
  });

  it("marks every line of one request, in every service, with the request's id", async () => {
    const lines = await linesOf(async () => {
      const res = await ask(
        '{ me { name orders { edges { node { id } } } tasks { edges { node { id } } } } }',
        { authorization: `Bearer ${token}`, 'x-request-id': 'logs-test-42' },
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-request-id'), 'logs-test-42');
      const body = (await res.json()) as { data: { me: { name: string } } };
      assert.equal(body.data.me.name, 'Logged Lou');
    });
    assert.deepEqual(
      [...new Set(lines.map((line) => line.name))].sort(),
      ['orders', 'router', 'tasks', 'users'],
      'every service the request reached wrote about it',
    );
    for (const line of lines) {
      assert.equal(line.requestId, 'logs-test-42', `${line.name}: ${line.msg}`);
    }
    const access = lines.find((line) => line.name === 'router' && line.msg === 'graphql request');
    assert.equal(access?.status, 200);
  });

  it('makes an id when the client sends none, or a malformed one', async () => {
    for (const given of [undefined, 'no spaces allowed here', 'x'.repeat(200)]) {
      let answered: string | null = null;
      const lines = await linesOf(async () => {
        const res = await ask(
          '{ products { edges { cursor } } }',
          given ? { 'x-request-id': given } : {},
        );
        answered = res.headers.get('x-request-id');
        await res.arrayBuffer();
      });
      assert.match(answered ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(lines.length >= 2);
      for (const line of lines) assert.equal(line.requestId, answered);
    }
  });
});

describe('the logger', () => {
  it('redacts credentials and email bodies, whatever the caller passes', async () => {
    let out = '';
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const logger = createLogger('redaction', 'info', stream);
    logger.info(
      {
        password: 'p1',
        input: { password: 'p2', newPassword: 'p3' },
        variables: { input: { password: 'p4' }, password: 'p5' },
        headers: { authorization: 'Bearer t1', cookie: 'c1', 'x-supergraph-proof': 'proof1' },
        req: { headers: { authorization: 'Bearer t2' } },
        message: { html: '<p>h1</p>', text: 'body1' },
        token: 't3',
      },
      'everything secret',
    );
    await new Promise((resolve) => setImmediate(resolve));
    for (const secret of [
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      't1',
      't2',
      't3',
      'c1',
      'proof1',
      'h1',
      'body1',
    ]) {
      assert.ok(!out.includes(secret), `${secret} is redacted`);
    }
    assert.match(out, /everything secret/);
  });
});

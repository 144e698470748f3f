import { closeServer, listen, onShutdown, runMain } from '@supergraph/lifecycle';
import { createLogger } from '@supergraph/observability';
import { loadCoprocessorConfig } from './config.ts';
import { createCoprocessor } from './create-coprocessor.ts';

runMain(async () => {
  const config = loadCoprocessorConfig();
  const logger = createLogger('coprocessor', config.logLevel);
  const { http: server } = await createCoprocessor({ ...config, logger });
  const port = await listen(server, config.port);
  logger.info({ port }, `Apollo Router coprocessor ready at http://localhost:${port}/`);
  if (config.trustedProxyHops === 0) {
    // Without an address in the proof, the users subgraph counts every client's log-in
    // attempts in one shared bucket.
    logger.warn(
      'TRUST_PROXY_HOPS=0: Apollo Router does not pass on client addresses, so proofs carry none; put a proxy that appends X-Forwarded-For in front of it and set TRUST_PROXY_HOPS',
    );
  }
  onShutdown(logger, () => closeServer(server));
});

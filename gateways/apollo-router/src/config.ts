import { z } from 'zod';
import { dataDir, env, gatewaySecrets, loadConfig } from '@supergraph/config';

/**
 * The coprocessor's configuration, read once from the environment. The secrets are the
 * router's own, read the same way: the coprocessor verifies the tokens and signs the proofs
 * our router would.
 */
export function loadCoprocessorConfig(source: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(
    {
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      COPROCESSOR_PORT: env.port(4005),
      JWT_SECRET: z.string().optional(),
      SUBGRAPH_SECRET: z.string().optional(),
      TRUST_PROXY_HOPS: env.wholeNumber(0),
      DATA_DIR: z.string().optional(),
    },
    source,
  );
  const production = raw.NODE_ENV === 'production';
  const dir = dataDir(raw.DATA_DIR);
  return {
    production,
    logLevel: raw.LOG_LEVEL,
    port: raw.COPROCESSOR_PORT,
    ...gatewaySecrets(raw, production, dir),
    /** Proxies in front of Apollo Router that append to X-Forwarded-For. */
    trustedProxyHops: raw.TRUST_PROXY_HOPS,
  };
}

export type CoprocessorConfig = ReturnType<typeof loadCoprocessorConfig>;

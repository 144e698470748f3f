/**
 * Who is asking, and the proof of it: the bearer tokens clients send, the client's address
 * behind trusted proxies, and the signed proof every gateway on our supergraph (our router,
 * Hive Gateway's plugin, Apollo Router's coprocessor) sends to the subgraphs, which verify it.
 * It loads nothing but `jose` and node's own modules, so that a gateway other than ours can
 * carry it cheaply.
 */
export * from './client-ip.ts';
export * from './subgraph-proof.ts';
export * from './tokens.ts';
export * from './viewer.ts';
export * from './password-hash.ts';

/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The router's GraphQL over HTTP endpoint; the live (WebSocket) URL is derived from it. */
  readonly VITE_ROUTER_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

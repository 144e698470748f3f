import type { Viewer } from '@supergraph/common';

export type RouterContext = {
  viewer: Viewer | null;
  requestId: string;
  /** The client's address, as seen through TRUST_PROXY hops; subgraphs get it signed. */
  clientIp: string;
};

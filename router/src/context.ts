import type { Viewer } from '@supergraph/common';

export type RouterContext = {
  viewer: Viewer | null;
  requestId: string;
};

import { watch, readFileSync, type FSWatcher } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@supergraph/observability';
import { SUBGRAPH_NAMES, composeSupergraph, schemaFile } from './compose.ts';

/** Production: the committed supergraph, as composed ahead of time. */
export function fileSupergraph(file: string): SupergraphSdlHook {
  return async () => ({ supergraphSdl: readFileSync(file, 'utf8') });
}

/**
 * Development: composes from the subgraphs' SDL files and recomposes whenever one changes, so
 * a schema edit reaches the router without a restart. A failed composition is logged and the
 * previous supergraph keeps serving.
 */
export function watchedSupergraph(
  logger: Logger,
  {
    files = SUBGRAPH_NAMES.map(schemaFile),
    compose = composeSupergraph,
    debounceMs = 200,
  }: { files?: string[]; compose?: () => string; debounceMs?: number } = {},
): SupergraphSdlHook {
  return async ({ update }) => {
    const watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let last = compose();
    const recompose = () => {
      try {
        const next = compose();
        if (next === last) return;
        last = next;
        update(next);
        logger.info('subgraph schema changed: supergraph recomposed');
      } catch (error) {
        logger.error({ err: error }, 'recomposition failed; still serving the previous supergraph');
      }
    };
    for (const file of files) {
      watchers.push(
        watch(file, () => {
          clearTimeout(timer);
          timer = setTimeout(recompose, debounceMs);
        }),
      );
    }
    return {
      supergraphSdl: last,
      cleanup: async () => {
        clearTimeout(timer);
        for (const w of watchers) w.close();
      },
    };
  };
}

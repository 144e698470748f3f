/** The gist of a database error: Prisma's messages open with lines about the call site. */
function databaseFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  return lines.at(-1)?.trim() ?? 'unknown error';
}

/**
 * Readiness of a subgraph's database: empty when it answers, else `{ database: reason }`.
 * Gives up after `timeoutMs`, so that a database that does not answer makes the subgraph
 * unready instead of holding the probe.
 */
export async function databaseReady(
  db: { $queryRawUnsafe(sql: string): Promise<unknown> },
  timeoutMs = 2_000,
): Promise<Record<string, string>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.$queryRawUnsafe('SELECT 1'), timedOut]);
    return {};
  } catch (error) {
    return { database: databaseFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}

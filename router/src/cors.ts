const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Development accepts any localhost origin; production only the configured allowlist. */
export function corsPolicy(
  production: boolean,
  allowlist: readonly string[],
): (origin: string) => boolean {
  const allowed = new Set(allowlist);
  return (origin) => allowed.has(origin) || (!production && LOCALHOST.test(origin));
}

/**
 * The values of the samples of metric `name` whose labels include every one of `labels`, in
 * the order the Prometheus text lists them.
 */
export function metricSamples(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number[] {
  const values: number[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const given = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => given[key] === value)) {
      values.push(Number(match[3]));
    }
  }
  return values;
}

/** The first sample of `name` whose labels include `labels`; undefined when there is none. */
export function metricSample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return metricSamples(text, name, labels)[0];
}

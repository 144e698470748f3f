/**
 * Exponential backoff with jitter added on top: attempt n waits base·2^(n−1) plus up to
 * `jitter` of that again. Jitter spreads retries of many jobs that failed together (an SMTP
 * outage fails every email at once), and adding it rather than subtracting keeps the
 * documented schedule a lower bound: 8 attempts from 5 s span at least 635 s.
 */
export const JITTERED = 'jittered-exponential';

export function jitteredDelay(
  attemptsMade: number,
  baseMs: number,
  jitter = 0.25,
  random = Math.random,
): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const nominal = baseMs * 2 ** Math.min(exponent, 30);
  return Math.round(nominal * (1 + jitter * random()));
}

/** The shortest total wait before the last of `attempts` tries. */
export function minimumSchedule(attempts: number, baseMs: number): number {
  let total = 0;
  for (let made = 1; made < attempts; made++) total += jitteredDelay(made, baseMs, 0);
  return total;
}

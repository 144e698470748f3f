import { createHash } from 'node:crypto';

const EPOCH = Date.UTC(2026, 0, 1);

/**
 * A deterministic UUIDv7 for seeded rows: re-running the seed finds the same ids, and the
 * embedded timestamp (a fixed date plus `order` ms) keeps seeded rows older than anything a
 * user creates, in a stable order.
 */
export function seedId(name: string, order: number): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const ts = (EPOCH + order).toString(16).padStart(12, '0');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${hex.slice(0, 3)}-${variant}${hex.slice(3, 6)}-${hex.slice(6, 18)}`;
}

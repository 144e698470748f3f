/**
 * A random UUID (v4). crypto.randomUUID exists only in secure contexts (https, localhost);
 * served over plain http on another host, the shop still needs idempotency keys.
 */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * How people refer to an order: the last 12 hex digits of its id, as its fulfilment task's
 * title and its emails name it (the first digits of a UUIDv7 are a timestamp, alike for orders
 * placed together).
 */
export function orderNumber(id: string): string {
  return `#${id.replaceAll('-', '').slice(-12)}`;
}

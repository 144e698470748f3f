import { badUserInput, isUuid } from '@supergraph/common';
import type { OrderRequest } from './data/place-order.ts';
import type { PlaceOrderInput } from './generated/resolvers-types.ts';

const MAX_ITEMS = 50;
const MAX_QUANTITY = 1000;
const MAX_KEY_LENGTH = 128;

/** Checks what can be checked without the catalogue; prices and currencies are checked later. */
export function validPlaceOrderInput(input: PlaceOrderInput): OrderRequest {
  if (input.items.length < 1 || input.items.length > MAX_ITEMS) {
    throw badUserInput('input.items', `must have 1 to ${MAX_ITEMS} items.`);
  }
  const seen = new Set<string>();
  const items = input.items.map((item, index) => {
    const field = `input.items[${index}]`;
    if (!isUuid(item.productId)) throw badUserInput(`${field}.productId`, 'is not a valid id.');
    const productId = item.productId.toLowerCase();
    if (seen.has(productId)) {
      throw badUserInput(
        `${field}.productId`,
        'appears more than once; list each product once with its total quantity.',
      );
    }
    seen.add(productId);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      throw badUserInput(`${field}.quantity`, `must be a whole number from 1 to ${MAX_QUANTITY}.`);
    }
    return { productId, quantity: item.quantity };
  });
  const key = input.idempotencyKey ?? null;
  // Counted in code points, as Postgres counts VARCHAR(128).
  if (key !== null && (key.length === 0 || [...key].length > MAX_KEY_LENGTH)) {
    throw badUserInput('input.idempotencyKey', `must be 1 to ${MAX_KEY_LENGTH} characters.`);
  }
  return { items, idempotencyKey: key };
}

import { badUserInput, isUuid } from '@supergraph/common';

export function validTitle(value: string, field: string): string {
  const title = value.trim();
  if (title.length < 1 || title.length > 200)
    throw badUserInput(field, 'must be 1 to 200 characters.');
  return title;
}

export function validNotes(value: string, field: string): string {
  if (value.length > 5000) throw badUserInput(field, 'must be at most 5000 characters.');
  return value;
}

/** Ids are UUIDs; Postgres returns them lower-cased, so comparisons need the same form. */
export function validId(value: string, field: string): string {
  if (!isUuid(value)) throw badUserInput(field, 'is not a valid id.');
  return value.toLowerCase();
}

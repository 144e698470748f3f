import { badUserInput } from '@supergraph/common';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validName(value: string, field: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 100)
    throw badUserInput(field, 'must be 1 to 100 characters.');
  return name;
}

/** Emails are compared lower-cased and trimmed. */
export function validEmail(value: string, field: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw badUserInput(field, 'is not a valid email address.');
  return email;
}

export function validPassword(value: string, field: string): string {
  if (value.length < 8 || value.length > 128)
    throw badUserInput(field, 'must be 8 to 128 characters.');
  return value;
}

import { badUserInput } from './errors.js';

/** Largest `first` any list field accepts. */
export const MAX_PAGE_SIZE = 100;

/**
 * Returns `first` (or `fallback` when it is null/absent) when within 0..MAX_PAGE_SIZE, else throws
 * BAD_USER_INPUT.
 */
export function assertPageSize(first: number | null | undefined, fallback: number, field = 'first'): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput(field, `${field} must be between 0 and ${MAX_PAGE_SIZE}, got ${size}.`);
  }
  return size;
}

import { describe, expect, it } from 'vitest';
import { validateRegisterUserInput } from '../../../subgraphs/accounts/index.js';
import { validateCreateProductInput } from '../../../subgraphs/products/index.js';
import { validateAddReviewInput } from '../../../subgraphs/reviews/index.js';
import { assertPageSize } from '../../../subgraphs/shared/index.js';

const codeOf = (error: { extensions: Record<string, unknown> } | null) => error?.extensions.code ?? null;

describe('validateRegisterUserInput', () => {
  const taken = (username: string) => username === 'user1';
  it.each([
    [{ username: 'alice', email: 'a@example.com', name: 'Alice' }, null, null],
    [{ username: 'alice', email: 'not-an-email', name: 'Alice' }, 'BAD_USER_INPUT', 'email'],
    [{ username: 'alice', email: 'a@b', name: 'Alice' }, 'BAD_USER_INPUT', 'email'],
    [{ username: 'a', email: 'a@example.com', name: 'Alice' }, 'BAD_USER_INPUT', 'username'],
    [{ username: 'bad name', email: 'a@example.com', name: 'Alice' }, 'BAD_USER_INPUT', 'username'],
    [{ username: 'alice', email: 'a@example.com', name: '  ' }, 'BAD_USER_INPUT', 'name'],
    [{ username: 'user1', email: 'a@example.com', name: 'Alice' }, 'USERNAME_TAKEN', 'username'],
  ])('%j → %s', (input, code, field) => {
    const error = validateRegisterUserInput(input, taken);
    expect(codeOf(error)).toBe(code);
    expect(error?.extensions.field ?? null).toBe(field);
    if (field) expect(error?.message).toContain(field);
  });
});

describe('validateCreateProductInput', () => {
  const exists = (upc: string) => upc === '1';
  it.each([
    [{ name: 'Lamp', price: 0, weight: 0 }, null],
    [{ name: 'Lamp', price: 5, weight: 5, upc: 'x-1' }, null],
    [{ name: 'Lamp', price: -1, weight: 5 }, 'BAD_USER_INPUT'],
    [{ name: 'Lamp', price: 5, weight: -1 }, 'BAD_USER_INPUT'],
    [{ name: '', price: 5, weight: 5 }, 'BAD_USER_INPUT'],
    [{ name: 'Lamp', price: 5, weight: 5, upc: '' }, 'BAD_USER_INPUT'],
    [{ name: 'Lamp', price: 5, weight: 5, upc: '1' }, 'UPC_TAKEN'],
  ])('%j → %s', (input, code) => {
    expect(codeOf(validateCreateProductInput(input, exists))).toBe(code);
  });
});

describe('validateAddReviewInput', () => {
  it.each([
    [1, 'ok', null],
    [5, 'ok', null],
    [0, 'ok', 'BAD_USER_INPUT'],
    [6, 'ok', 'BAD_USER_INPUT'],
    [3, ' ', 'BAD_USER_INPUT'],
  ])('rating %i, body %j → %s', (rating, body, code) => {
    expect(codeOf(validateAddReviewInput({ productUpc: '1', body, rating }))).toBe(code);
  });
});

describe('assertPageSize', () => {
  it.each([
    [undefined, 5, 5],
    [null, 5, 5],
    [0, 5, 0],
    [100, 5, 100],
  ])('first %s (default %i) → %i', (first, fallback, expected) => {
    expect(assertPageSize(first, fallback)).toBe(expected);
  });
  it.each([101, -1, 1.5])('first %s → BAD_USER_INPUT', (first) => {
    expect(() => assertPageSize(first, 5)).toThrow(/first must be between 0 and 100/);
  });
});

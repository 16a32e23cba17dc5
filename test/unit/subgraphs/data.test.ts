import { describe, expect, it } from 'vitest';
import { USER_COUNT, generateUsers } from '../../../subgraphs/accounts/index.js';
import { isInStock, shippingEstimate } from '../../../subgraphs/inventory/index.js';
import { PRODUCT_COUNT, generateProducts } from '../../../subgraphs/products/index.js';
import { REVIEW_COUNT, generateReviews } from '../../../subgraphs/reviews/index.js';

describe('seeded data', () => {
  it('is identical on every generation', () => {
    expect(generateUsers()).toEqual(generateUsers());
    expect(generateProducts()).toEqual(generateProducts());
    expect(generateReviews()).toEqual(generateReviews());
  });

  it('follows the shared id scheme', () => {
    const users = generateUsers();
    expect(users).toHaveLength(USER_COUNT);
    expect(USER_COUNT).toBeGreaterThanOrEqual(1000);
    expect(users[0]).toMatchObject({ id: '1', username: 'user1', email: 'user1@example.com' });
    const products = generateProducts();
    expect(products).toHaveLength(PRODUCT_COUNT);
    expect(PRODUCT_COUNT).toBeGreaterThanOrEqual(500);
    expect(products.at(-1)?.upc).toBe(String(PRODUCT_COUNT));
    expect(products.every((p) => p.price >= 1 && p.price <= 2000 && p.weight >= 1 && p.weight <= 100)).toBe(true);
  });

  it('spreads reviews over every user and most products with valid references', () => {
    const reviews = generateReviews();
    expect(reviews.length).toBe(REVIEW_COUNT);
    expect(REVIEW_COUNT).toBeGreaterThanOrEqual(5000);
    expect(new Set(reviews.map((r) => r.authorId)).size).toBe(USER_COUNT);
    expect(new Set(reviews.map((r) => r.productUpc)).size).toBeGreaterThan(PRODUCT_COUNT * 0.95);
    expect(reviews.every((r) => Number(r.productUpc) <= PRODUCT_COUNT && r.rating >= 1 && r.rating <= 5)).toBe(true);
  });

  it('decides stock deterministically per upc', () => {
    const upcs = Array.from({ length: PRODUCT_COUNT }, (_, i) => String(i + 1));
    const inStock = upcs.filter(isInStock).length;
    expect(upcs.map(isInStock)).toEqual(upcs.map(isInStock));
    expect(inStock).toBeGreaterThan(PRODUCT_COUNT * 0.6);
    expect(inStock).toBeLessThan(PRODUCT_COUNT);
  });

  it.each([
    [1001, 50, 0],
    [1000, 50, 25],
    [10, 11, 6],
    [0, 0, 0],
  ])('shippingEstimate(price %i, weight %i) = %i', (price, weight, expected) => {
    expect(shippingEstimate(price, weight)).toBe(expected);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReviewsSubgraph, DEFAULT_PAGE_SIZE } from '../../../subgraphs/reviews/index.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

const stack = createCloseStack();
const reviews = createReviewsSubgraph();
let url: string;

beforeAll(async () => {
  const running = await reviews.listen();
  stack.push(() => running.close());
  url = running.url;
});
afterAll(() => stack.drain());

const ADD = `mutation ($input: AddReviewInput!) { addReview(input: $input) { id rating body author { id } product { upc } } }`;

describe('reviews subgraph', () => {
  it('serves its SDL through _service', async () => {
    const { body } = await postGraphQL(url, '{ _service { sdl } }');
    expect(body.data?._service.sdl).toContain('type Review');
    expect(body.data?._service.sdl).toContain(`reviews(first: Int = ${DEFAULT_PAGE_SIZE.userReviews})`);
  });

  it('loads reviews for 20 User entities in exactly one batch', async () => {
    const r = Array.from({ length: 20 }, (_, i) => ({ __typename: 'User', id: String(i + 1) }));
    const before = reviews.repository.stats.batchLoads;
    const { body } = await postGraphQL(
      url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id reviews { id author { id } } } } }',
      { variables: { r } },
    );
    const entities = body.data?._entities as Array<{ id: string; reviews: Array<{ author: { id: string } }> }>;
    expect(entities).toHaveLength(20);
    for (const user of entities) {
      expect(user.reviews).toHaveLength(DEFAULT_PAGE_SIZE.userReviews);
      expect(user.reviews.every((review) => review.author.id === user.id)).toBe(true);
    }
    expect(reviews.repository.stats.batchLoads - before).toBe(1);
  });

  it('loads Product reviews with a first argument', async () => {
    const { body } = await postGraphQL(
      url,
      '{ _entities(representations: [{ __typename: "Product", upc: "3" }]) { ... on Product { reviews(first: 2) { product { upc } } } } }',
    );
    expect(body.data?._entities[0].reviews).toEqual([{ product: { upc: '3' } }, { product: { upc: '3' } }]);
  });

  it('requires a signed-in caller to add a review', async () => {
    const { body } = await postGraphQL(url, ADD, { variables: { input: { productUpc: '1', body: 'Nice.', rating: 5 } } });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each([0, 6, -3])('rejects rating %i with BAD_USER_INPUT', async (rating) => {
    const { body } = await postGraphQL(url, ADD, {
      variables: { input: { productUpc: '1', body: 'Nice.', rating } },
      headers: { 'x-user-id': '9' },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/rating/);
  });

  it('adds a review authored by the caller, listed first', async () => {
    const { body } = await postGraphQL(url, ADD, {
      variables: { input: { productUpc: '12', body: 'Love it.', rating: 4 } },
      headers: { 'x-user-id': '9', 'x-user-scopes': 'reviews:write' },
    });
    expect(body.data?.addReview).toEqual({ id: '10001', rating: 4, body: 'Love it.', author: { id: '9' }, product: { upc: '12' } });
    const listed = await postGraphQL(
      url,
      '{ _entities(representations: [{ __typename: "User", id: "9" }]) { ... on User { reviews(first: 1) { id } } } }',
    );
    expect(listed.body.data?._entities[0].reviews).toEqual([{ id: '10001' }]);
  });
});

import { createPrng, pick, randomInt } from '../shared/prng.js';
import { createRepositoryStats, type RepositoryStats } from '../shared/types.js';

export interface Review {
  id: string;
  body: string;
  rating: number;
  /** A user id from the shared scheme ("1".."1000"); reviews stores no user rows. */
  authorId: string;
  /** A product upc from the shared scheme ("1".."500"); reviews stores no product rows. */
  productUpc: string;
}

export const REVIEW_COUNT = 10_000;
/** Must match the accounts and products id schemes. */
export const KNOWN_USER_COUNT = 1000;
export const KNOWN_PRODUCT_COUNT = 500;
const SEED = 0x5eed0004;
const WORDS = [
  'great',
  'sturdy',
  'arrived',
  'quickly',
  'would',
  'buy',
  'again',
  'flimsy',
  'colour',
  'matches',
  'photos',
  'battery',
  'lasts',
  'forever',
  'assembly',
  'took',
  'ages',
  'value',
  'for',
  'money',
  'gift',
  'kids',
  'love',
  'it',
  'not',
  'as',
  'described',
  'solid',
  'build',
  'quality',
  'packaging',
  'was',
  'damaged',
  'works',
  'fine',
];

/**
 * Reviews "1".."count": author ids cycle through every user (so each user has count/users reviews); product
 * upcs, ratings and bodies are seeded. Same output on every call.
 */
export function generateReviews(count = REVIEW_COUNT, seed = SEED): Review[] {
  const next = createPrng(seed);
  const reviews: Review[] = [];
  for (let i = 1; i <= count; i++) {
    const words = Array.from({ length: randomInt(next, 8, 24) }, () => pick(next, WORDS));
    const body = words.join(' ');
    reviews.push({
      id: String(i),
      body: body.charAt(0).toUpperCase() + body.slice(1) + '.',
      rating: randomInt(next, 1, 5),
      authorId: String(((i - 1) % KNOWN_USER_COUNT) + 1),
      productUpc: String(randomInt(next, 1, KNOWN_PRODUCT_COUNT)),
    });
  }
  return reviews;
}

export interface ReviewRepository {
  stats: RepositoryStats;
  /** One call per DataLoader batch; each entry lists that author's reviews, newest first. */
  findByAuthorIds(authorIds: readonly string[]): Review[][];
  /** One call per DataLoader batch; each entry lists that product's reviews, newest first. */
  findByProductUpcs(upcs: readonly string[]): Review[][];
  insert(input: Omit<Review, 'id'>): Review;
}

function addTo(index: Map<string, Review[]>, key: string, review: Review): void {
  const list = index.get(key);
  if (list) list.unshift(review);
  else index.set(key, [review]);
}

export function createReviewRepository(reviews: Review[] = generateReviews()): ReviewRepository {
  const byAuthor = new Map<string, Review[]>();
  const byProduct = new Map<string, Review[]>();
  for (const review of reviews) {
    addTo(byAuthor, review.authorId, review);
    addTo(byProduct, review.productUpc, review);
  }
  let lastId = reviews.reduce((max, r) => Math.max(max, Number(r.id)), 0);
  const stats = createRepositoryStats();
  return {
    stats,
    findByAuthorIds(authorIds) {
      stats.batchLoads++;
      stats.keysLoaded += authorIds.length;
      return authorIds.map((id) => byAuthor.get(id) ?? []);
    },
    findByProductUpcs(upcs) {
      stats.batchLoads++;
      stats.keysLoaded += upcs.length;
      return upcs.map((upc) => byProduct.get(upc) ?? []);
    },
    insert(input) {
      const review: Review = { id: String(++lastId), ...input };
      addTo(byAuthor, review.authorId, review);
      addTo(byProduct, review.productUpc, review);
      return review;
    },
  };
}

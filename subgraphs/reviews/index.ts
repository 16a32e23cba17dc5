export { createReviewsSubgraph, REVIEWS_TYPE_DEFS } from './server.js';
export type { ReviewsSubgraph, ReviewsSubgraphOptions } from './server.js';
export { DEFAULT_PAGE_SIZE } from './page-size.js';
export { REVIEW_COUNT, generateReviews, createReviewRepository } from './data.js';
export type { Review, ReviewRepository } from './data.js';
export { validateAddReviewInput, MIN_RATING, MAX_RATING } from './validation.js';
export type { AddReviewInput } from './validation.js';

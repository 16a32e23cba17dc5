import { createSubgraphServer } from '../shared/create-subgraph-server.js';
import { loadTypeDefs } from '../shared/load-type-defs.js';
import type { SubgraphFaults, SubgraphServer } from '../shared/types.js';
import { createReviewRepository, type ReviewRepository } from './data.js';
import { createReviewsLoaders } from './loaders.js';
import { DEFAULT_PAGE_SIZE } from './page-size.js';
import { createReviewsResolvers } from './resolvers.js';
import { createReviewFeed, type ReviewFeed } from './review-feed.js';

export interface ReviewsSubgraphOptions {
  faults?: SubgraphFaults;
  /** Defaults to a fresh seeded repository, so every instance starts from the same data. */
  repository?: ReviewRepository;
}

export interface ReviewsSubgraph extends SubgraphServer {
  repository: ReviewRepository;
  /** What `Subscription.reviewAdded` listens to (addReview publishes). */
  feed: ReviewFeed;
}

export const REVIEWS_TYPE_DEFS = loadTypeDefs(new URL('./schema.graphql', import.meta.url), {
  'User.reviews.first': DEFAULT_PAGE_SIZE.userReviews,
  'Product.reviews.first': DEFAULT_PAGE_SIZE.productReviews,
});

export function createReviewsSubgraph(options: ReviewsSubgraphOptions = {}): ReviewsSubgraph {
  const repository = options.repository ?? createReviewRepository();
  const feed = createReviewFeed();
  const server = createSubgraphServer({
    name: 'reviews',
    typeDefs: REVIEWS_TYPE_DEFS,
    resolvers: createReviewsResolvers(repository, feed),
    createLoaders: createReviewsLoaders(repository),
    faults: options.faults,
  });
  return { ...server, repository, feed };
}

import { unauthenticated } from '../shared/errors.js';
import { assertPageSize } from '../shared/pagination.js';
import type { SubgraphResolvers } from '../shared/types.js';
import type { Review, ReviewRepository } from './data.js';
import type { ReviewsLoaders } from './loaders.js';
import { DEFAULT_PAGE_SIZE } from './page-size.js';
import { validateAddReviewInput, type AddReviewInput } from './validation.js';
import { createReviewFeed, type ReviewFeed } from './review-feed.js';

type PageArgs = { first?: number | null };

export function createReviewsResolvers(repository: ReviewRepository, added: ReviewFeed = createReviewFeed()): SubgraphResolvers<ReviewsLoaders> {
  return {
    Subscription: {
      reviewAdded: {
        subscribe: (_root: unknown, { productUpc }: { productUpc?: string | null }) => added.listen(productUpc ?? undefined),
        resolve: (review: Review) => review,
      },
    },
    Mutation: {
      addReview: (_root, { input }: { input: AddReviewInput }, { identity }) => {
        if (identity?.userId === undefined) throw unauthenticated('addReview requires a signed-in user; send x-user-id.');
        const error = validateAddReviewInput(input);
        if (error) throw error;
        const review = repository.insert({ ...input, authorId: identity.userId });
        added.publish(review);
        return review;
      },
    },
    Review: {
      // Reference stubs: the owning subgraphs resolve the rest.
      author: (review: Review) => ({ id: review.authorId }),
      product: (review: Review) => ({ upc: review.productUpc }),
    },
    User: {
      // Loading here primes the loader, so `reviews` on many entities is one batch whichever runs first.
      __resolveReference: async (ref: { id: string }, { loaders }) => {
        await loaders.reviewsByAuthor.load(ref.id);
        return { id: ref.id };
      },
      reviews: async (user: { id: string }, { first }: PageArgs, { loaders }) => {
        const size = assertPageSize(first, DEFAULT_PAGE_SIZE.userReviews);
        return (await loaders.reviewsByAuthor.load(user.id)).slice(0, size);
      },
    },
    Product: {
      __resolveReference: async (ref: { upc: string }, { loaders }) => {
        await loaders.reviewsByProduct.load(ref.upc);
        return { upc: ref.upc };
      },
      reviews: async (product: { upc: string }, { first }: PageArgs, { loaders }) => {
        const size = assertPageSize(first, DEFAULT_PAGE_SIZE.productReviews);
        return (await loaders.reviewsByProduct.load(product.upc)).slice(0, size);
      },
    },
  };
}

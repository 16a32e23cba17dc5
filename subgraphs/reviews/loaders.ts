import DataLoader from 'dataloader';
import type { Review, ReviewRepository } from './data.js';

export interface ReviewsLoaders {
  reviewsByAuthor: DataLoader<string, Review[]>;
  reviewsByProduct: DataLoader<string, Review[]>;
}

/** Returns a factory building fresh per-request loaders over `repository`. */
export function createReviewsLoaders(repository: ReviewRepository): () => ReviewsLoaders {
  return () => ({
    reviewsByAuthor: new DataLoader(async (ids) => repository.findByAuthorIds(ids)),
    reviewsByProduct: new DataLoader(async (upcs) => repository.findByProductUpcs(upcs)),
  });
}

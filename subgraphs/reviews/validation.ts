import type { GraphQLError } from 'graphql';
import { badUserInput } from '../shared/errors.js';

export interface AddReviewInput {
  productUpc: string;
  body: string;
  rating: number;
}

export const MIN_RATING = 1;
export const MAX_RATING = 5;

/** Returns the first problem with `input`, or `null` when valid. */
export function validateAddReviewInput(input: AddReviewInput): GraphQLError | null {
  if (input.rating < MIN_RATING || input.rating > MAX_RATING) {
    return badUserInput('rating', `input.rating must be between ${MIN_RATING} and ${MAX_RATING}, got ${input.rating}.`);
  }
  if (input.body.trim() === '') return badUserInput('body', 'input.body must not be empty.');
  if (input.productUpc.trim() === '') return badUserInput('productUpc', 'input.productUpc must not be empty.');
  return null;
}

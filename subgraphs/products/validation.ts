import type { GraphQLError } from 'graphql';
import { badUserInput, codedError } from '../shared/errors.js';

export interface CreateProductInput {
  name: string;
  price: number;
  weight: number;
  upc?: string | null;
}

/** Returns the first problem with `input`, or `null` when valid. `exists` is injected so this stays pure. */
export function validateCreateProductInput(input: CreateProductInput, exists: (upc: string) => boolean): GraphQLError | null {
  if (input.name.trim() === '') return badUserInput('name', 'input.name must not be empty.');
  if (input.price < 0) return badUserInput('price', `input.price must be 0 or more, got ${input.price}.`);
  if (input.weight < 0) return badUserInput('weight', `input.weight must be 0 or more, got ${input.weight}.`);
  if (input.upc !== undefined && input.upc !== null) {
    if (input.upc.trim() === '') return badUserInput('upc', 'input.upc must not be empty; omit it to generate one.');
    if (exists(input.upc)) {
      return codedError('UPC_TAKEN', `input.upc "${input.upc}" already exists; omit it to generate one.`, {
        field: 'upc',
      });
    }
  }
  return null;
}

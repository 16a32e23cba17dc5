import type { GraphQLError } from 'graphql';
import { badUserInput, codedError } from '../shared/errors.js';

export interface RegisterUserInput {
  username: string;
  email: string;
  name: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[A-Za-z0-9_]{3,32}$/;

/**
 * Returns the first problem with `input`, or `null` when it is valid. `isTaken` is injected so this stays pure.
 */
export function validateRegisterUserInput(input: RegisterUserInput, isTaken: (username: string) => boolean): GraphQLError | null {
  if (!USERNAME.test(input.username)) {
    return badUserInput('username', 'input.username must be 3–32 letters, digits or underscores.');
  }
  if (!EMAIL.test(input.email)) {
    return badUserInput('email', `input.email "${input.email}" is not a valid email address.`);
  }
  if (input.name.trim() === '') return badUserInput('name', 'input.name must not be empty.');
  if (isTaken(input.username)) {
    return codedError('USERNAME_TAKEN', `input.username "${input.username}" is already taken; choose another.`, {
      field: 'username',
    });
  }
  return null;
}

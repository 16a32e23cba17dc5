import { GraphQLError } from 'graphql';

/** Builds a GraphQLError carrying `extensions.code` (plus any extra extensions). */
export function codedError(code: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export function badUserInput(field: string, message: string): GraphQLError {
  return codedError('BAD_USER_INPUT', message, { field });
}

export function unauthenticated(message: string): GraphQLError {
  return codedError('UNAUTHENTICATED', message);
}

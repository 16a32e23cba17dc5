/**
 * The authorization specs the auth plugin enforces itself (Apollo's `for: SECURITY` features),
 * as the supergraph links them. The gateway clears their purpose for the engine while auth is on.
 */
export const AUTHORIZATION_FEATURES: ReadonlySet<string> = new Set([
  'https://specs.apollo.dev/authenticated/v0.1',
  'https://specs.apollo.dev/requiresScopes/v0.1',
  'https://specs.apollo.dev/policy/v0.1',
]);

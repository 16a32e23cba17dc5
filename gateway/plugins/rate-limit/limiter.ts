import { RateLimiterRes } from 'rate-limiter-flexible';
import type { CallerIdentity } from '../../request-context.js';
import { createBucket, type Bucket, type BucketStore } from './bucket.js';
import { createClientAddressResolver } from './client-address.js';
import { DEFAULT_FALLBACK_LOG_INTERVAL_MS, type RateLimitOptions } from './options.js';
import type { RootFieldCounts } from './root-fields.js';

/** What the limiter needs to know about one request. */
export interface LimitRequest {
  identity: CallerIdentity | undefined;
  remoteAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  operationName: string | null | undefined;
  /** Root field name → occurrences in the resolved operation; undefined when it never resolved. */
  rootFields?: RootFieldCounts;
  /** Points to charge the tier bucket (0: only the operation limits are charged). */
  points: number;
}

/**
 * `allowed`/`limited` carry the bucket that decided and its RateLimiterRes (undefined when the store
 * failed and the request was served anyway); `unavailable` means the store failed in fail-closed mode.
 */
export interface RateLimitDecision {
  outcome: 'allowed' | 'limited' | 'unavailable';
  bucket: Bucket;
  res: RateLimiterRes | undefined;
}

export interface RateLimiter {
  /** Charges what applies to `request`; undefined when nothing did (no tier points, no operation limit). */
  decide(request: LimitRequest): Promise<RateLimitDecision | undefined>;
  /** Seconds to wait when the client IP has spent its failed-authentication budget, else undefined. Never charges. */
  failedAuthRetryAfter(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined): Promise<number | undefined>;
  /** Charges the client IP's failed-authentication bucket one point. */
  chargeFailedAuth(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined): Promise<void>;
  /** Requests answered by the per-process fallback (or refused, fail-closed) while Redis was unreachable. */
  readonly storeFailures: number;
}

/** The decision closest to refusing (the one the client must hear about). */
export function moreRestrictive(a: RateLimitDecision, b: RateLimitDecision): RateLimitDecision {
  if (a.outcome === 'unavailable') return a;
  if (b.outcome === 'unavailable') return b;
  if (a.outcome !== b.outcome) return a.outcome === 'limited' ? a : b;
  if (!a.res || !b.res) return a.res ? a : b;
  if (a.outcome === 'limited') return a.res.msBeforeNext >= b.res.msBeforeNext ? a : b;
  return a.res.remainingPoints <= b.res.remainingPoints ? a : b;
}

/**
 * The bucket key of an authenticated caller: an API key's client id (`key:<id>`), a JWT's subject
 * (`jwt:<sub>`); undefined means "by client IP". A JWT's `client_id`/`azp` is never used: every
 * user of one app would share a bucket, and a token could name an API key's client id to share its.
 */
export function clientKeyOf(identity: CallerIdentity | undefined): string | undefined {
  if (identity?.kind === 'api-key' && identity.clientId) return `key:${identity.clientId}`;
  if (identity?.kind === 'jwt' && identity.subject) return `jwt:${identity.subject}`;
  return undefined;
}

/**
 * Points an operation limit `operations.<name>` charges: one per root field named `<name>` (each
 * alias counts), and at least 1 when the operation itself is named `<name>`.
 */
export function operationPoints(name: string, operationName: string | null | undefined, rootFields: RootFieldCounts | undefined): number {
  const fields = rootFields?.get(name) ?? 0;
  return operationName === name ? Math.max(1, fields) : fields;
}

/**
 * Decides per request: the caller's key is `clientKeyOf` (API key client id or JWT subject), else
 * the client IP; its tier bucket is charged, and every operation limit that applies (see
 * `operationPoints`: root fields by name, and the operation name) is charged in parallel. The most
 * restrictive answer wins.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { logger } = options;
  const intervalMs = options.fallbackLogIntervalMs ?? DEFAULT_FALLBACK_LOG_INTERVAL_MS;
  let storeFailures = 0;
  let failuresSinceLog = 0;
  let lastLog = 0;
  const recordStoreFailure = (): void => {
    storeFailures++;
    failuresSinceLog++;
    const now = Date.now();
    if (now - lastLog < intervalMs) return;
    logger.warn(
      { component: 'rate-limit', storeFailures: failuresSinceLog, failOpen: options.failOpen },
      options.failOpen
        ? 'rate-limit store (Redis) unreachable: limiting per process until it is back'
        : 'rate-limit store (Redis) unreachable: refusing requests with 503 until it is back',
    );
    lastLog = now;
    failuresSinceLog = 0;
  };
  const store: BucketStore = { redis: options.redis, insured: options.failOpen, onFallback: recordStoreFailure };
  const tiers = new Map<string, Bucket>();
  for (const [name, tier] of Object.entries(options.tiers)) tiers.set(name, createBucket(`${options.keyPrefix}:tier:${name}`, tier, store));
  const anonymous = tiers.get('anonymous');
  const authenticated = tiers.get('authenticated');
  if (!anonymous || !authenticated) throw new Error('rateLimit.tiers must define "anonymous" and "authenticated".');
  const operations = new Map<string, { bucket: Bucket; byIp: boolean }>();
  for (const [name, limit] of Object.entries(options.operations)) {
    operations.set(name, { bucket: createBucket(`${options.keyPrefix}:op:${name}`, limit, store), byIp: limit.by === 'ip' });
  }
  const resolveAddress = createClientAddressResolver(options.trustedProxies);
  const failedAuth = createBucket(`${options.keyPrefix}:failed-auth`, { ...options.failedAuth, burst: 0, burstDurationSeconds: 1 }, store);
  const warnedTiers = new Set<string>();
  // A tier named by an identity but missing from config: authenticated (or anonymous) limits, said once.
  const unknownTier = (identity: CallerIdentity): Bucket => {
    if (!warnedTiers.has(identity.tier)) {
      warnedTiers.add(identity.tier);
      logger.warn({ component: 'rate-limit', tier: identity.tier }, `rateLimit.tiers has no tier "${identity.tier}"; using the default tier limits`);
    }
    return identity.kind === 'anonymous' ? anonymous : authenticated;
  };

  async function settle(bucket: Bucket, key: string, points: number): Promise<RateLimitDecision> {
    try {
      return { outcome: 'allowed', bucket, res: await bucket.consume(key, points) };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { outcome: 'limited', bucket, res: error };
      recordStoreFailure();
      return { outcome: options.failOpen ? 'allowed' : 'unavailable', bucket, res: undefined };
    }
  }

  return {
    get storeFailures() {
      return storeFailures;
    },
    async failedAuthRetryAfter(remoteAddress, forwardedFor) {
      let res: RateLimiterRes | null;
      try {
        res = await failedAuth.peek(`ip:${resolveAddress(remoteAddress, forwardedFor)}`);
      } catch {
        recordStoreFailure();
        return undefined; // Authentication still runs; the tier limits still apply.
      }
      if (!res || res.consumedPoints < failedAuth.limit) return undefined;
      return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    },
    async chargeFailedAuth(remoteAddress, forwardedFor) {
      await settle(failedAuth, `ip:${resolveAddress(remoteAddress, forwardedFor)}`, 1);
    },
    async decide(request) {
      const identity = request.identity;
      const clientKey = clientKeyOf(identity);
      const ip = clientKey ? undefined : resolveAddress(request.remoteAddress, request.forwardedFor);
      const tier = (identity && (tiers.get(identity.tier) ?? unknownTier(identity))) ?? anonymous;
      const byTier = request.points > 0 ? settle(tier, clientKey ?? `ip:${ip}`, request.points) : undefined;
      if (operations.size === 0) return byTier;
      const pending: Promise<RateLimitDecision>[] = byTier ? [byTier] : [];
      for (const [name, operation] of operations) {
        const points = operationPoints(name, request.operationName, request.rootFields);
        if (points === 0) continue;
        const operationKey = operation.byIp || !clientKey ? `ip:${ip ?? resolveAddress(request.remoteAddress, request.forwardedFor)}` : clientKey;
        pending.push(settle(operation.bucket, operationKey, points));
      }
      if (pending.length <= 1) return pending[0];
      return (await Promise.all(pending)).reduce(moreRestrictive);
    },
  };
}

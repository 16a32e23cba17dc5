/** One URL of a subgraph, with the state load balancing needs. */
export interface Replica {
  readonly url: URL;
  /** Requests sent and not yet answered. */
  inFlight: number;
  /** Skip until this time (ms since epoch); 0 when healthy. */
  ejectedUntil: number;
}

export interface ReplicaSet {
  readonly replicas: readonly Replica[];
  /** The replica for the next request: healthy ones first; if all are ejected, the one back soonest. */
  pick(): Replica;
  /** A request to `replica` failed at the transport or with 5xx: skip it for a while if another is healthy. */
  reportFailure(replica: Replica): boolean;
  reportSuccess(replica: Replica): void;
}

export interface ReplicaSetOptions {
  urls: readonly string[];
  strategy: 'round-robin' | 'least-in-flight';
  ejectMs: number;
  now?: () => number;
}

/**
 * Spreads one subgraph's requests over its replicas (round-robin or least-in-flight) and ejects a
 * replica that fails, re-admitting it after `ejectMs` (passive health checking, as Envoy's outlier
 * detection). A single replica is never ejected: there is nowhere else to go, the breaker handles it.
 */
export function createReplicaSet(options: ReplicaSetOptions): ReplicaSet {
  const now = options.now ?? Date.now;
  const replicas: Replica[] = options.urls.map((url) => ({ url: new URL(url), inFlight: 0, ejectedUntil: 0 }));
  let cursor = 0;

  function isHealthy(replica: Replica, at: number): boolean {
    return replica.ejectedUntil <= at;
  }

  return {
    replicas,
    pick() {
      if (replicas.length === 1) return replicas[0];
      const at = now();
      let chosen: Replica | undefined;
      if (options.strategy === 'round-robin') {
        for (let i = 0; i < replicas.length && !chosen; i++) {
          const candidate = replicas[(cursor + i) % replicas.length];
          if (isHealthy(candidate, at)) {
            chosen = candidate;
            cursor = (cursor + i + 1) % replicas.length;
          }
        }
      } else {
        for (const candidate of replicas) {
          if (isHealthy(candidate, at) && (!chosen || candidate.inFlight < chosen.inFlight)) chosen = candidate;
        }
      }
      if (chosen) return chosen;
      return replicas.reduce((soonest, r) => (r.ejectedUntil < soonest.ejectedUntil ? r : soonest));
    },
    reportFailure(replica) {
      const at = now();
      if (replicas.length === 1 || !replicas.some((r) => r !== replica && isHealthy(r, at))) return false;
      replica.ejectedUntil = at + options.ejectMs;
      return true;
    },
    reportSuccess(replica) {
      replica.ejectedUntil = 0;
    },
  };
}

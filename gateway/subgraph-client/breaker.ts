import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, SamplingBreaker, type CircuitBreakerPolicy, type IBreaker } from 'cockatiel';
import type { Logger } from 'pino';
import type { SubgraphTraffic } from './options.js';

/** Opens when either breaker says so: N failures in a row, or a failure ratio over a window. */
class EitherBreaker implements IBreaker {
  constructor(
    private readonly first: IBreaker,
    private readonly second: IBreaker,
  ) {}

  get state(): unknown {
    return [this.first.state, this.second.state];
  }

  set state(value: unknown) {
    const [a, b] = value as [unknown, unknown];
    this.first.state = a;
    this.second.state = b;
  }

  success(state: CircuitState): void {
    this.first.success(state);
    this.second.success(state);
  }

  failure(state: CircuitState): boolean {
    // Both must see every failure, so no short-circuit.
    const a = this.first.failure(state);
    const b = this.second.failure(state);
    return a || b;
  }
}

/**
 * A cockatiel circuit breaker for one subgraph. Counts the failures `isFailure` accepts (transport
 * errors, 5xx, timeouts — not 4xx, nor our own bulkhead rejections); while open every call fails at
 * once with BrokenCircuitError and opens no connection; after `halfOpenAfterMs` one probe decides.
 */
export function createSubgraphBreaker(
  subgraph: string,
  options: SubgraphTraffic['breaker'],
  isFailure: (error: Error) => boolean,
  logger: Logger,
): CircuitBreakerPolicy {
  const consecutive = new ConsecutiveBreaker(options.consecutiveFailures);
  const breaker =
    options.failureRatio > 0
      ? new EitherBreaker(
          consecutive,
          new SamplingBreaker({ threshold: options.failureRatio, duration: options.samplingWindowMs, minimumRps: options.minimumRps }),
        )
      : consecutive;
  const policy = circuitBreaker(handleWhen(isFailure), { halfOpenAfter: options.halfOpenAfterMs, breaker });
  policy.onStateChange((state) => {
    const log = { subgraph, state: CircuitState[state].toLowerCase() };
    if (state === CircuitState.Open) logger.warn(log, 'subgraph circuit opened: failing fast');
    else logger.info(log, 'subgraph circuit state changed');
  });
  return policy;
}

import type { Logger } from 'pino';
import type { CostSettings } from './cost-model.js';

/** What happened to an operation's estimate: admitted, refused, or over the limit but served (`measure`). */
export type CostOutcome = 'admitted' | 'refused' | 'over_limit';

/**
 * Request header with which a client asks for its operation's cost in the response's
 * `extensions.cost` (`{ estimated, max, mode }`); any value but `false`/`0` asks.
 */
export const COST_REQUEST_HEADER = 'switchyard-include-cost';

/** Options of `createCostPlugin`, normally the validated `cost` config section. */
export interface CostOptions extends CostSettings {
  /** `enforce`: operations estimated above `maxCost` are refused (COST_LIMIT_EXCEEDED, HTTP 400); `measure`: logged only. */
  mode: 'enforce' | 'measure';
  maxCost: number;
  logger: Logger;
  /** Told every estimate (metrics). */
  onEstimate?: (cost: number, outcome: CostOutcome) => void;
}

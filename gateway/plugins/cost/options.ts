import type { Logger } from 'pino';
import type { CostSettings } from './cost-model.js';

/** Options of `createCostExtension`, normally the validated `cost` config section. */
export interface CostOptions extends CostSettings {
  /** Operations estimated above this are refused with COST_LIMIT_EXCEEDED (HTTP 400). */
  maxCost: number;
  logger: Logger;
}

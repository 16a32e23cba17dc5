export { createCostPlugin, createCostApolloPlugin } from './plugin.js';
export { createCostModel, type CostModel, type CostSettings } from './cost-model.js';
export { readCostDirectives, type CostDirectives, type ListSizeDirective } from './cost-directives.js';
export { COST_REQUEST_HEADER, type CostOptions, type CostOutcome } from './options.js';

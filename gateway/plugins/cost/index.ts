export { createCostExtension, createCostPlugin } from './plugin.js';
export { createCostModel, type CostModel, type CostSettings } from './cost-model.js';
export { readCostDirectives, type CostDirectives, type ListSizeDirective } from './cost-directives.js';
export type { CostOptions } from './options.js';

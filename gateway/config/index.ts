export { CONFIG_ENV_NAMES, loadConfig, readConfigFile, type LoadConfigOptions } from './load-config.js';
export * from './schema.js';
export * from './limits-schema.js';

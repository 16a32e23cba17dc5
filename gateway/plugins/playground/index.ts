export { createPlaygroundPlugin } from './plugin.js';
export { DEFAULT_PLAYGROUND_HISTORY_LENGTH, DEFAULT_PLAYGROUND_QUERY, type PlaygroundOptions } from './options.js';

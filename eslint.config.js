// ESLint (flat config): typescript-eslint's recommended rules, no import cycles, and the direction
// of imports between the gateway's folders (README "Where things are"). Formatting is Prettier's.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The direction of imports between folders (README "Where things are"): files under `target` may not
 * import from `from` (resolved paths, so `../x.js` and `../../gateway/x.js` are caught alike).
 */
const gatewayFolders = (...names) => names.map((name) => `./gateway/${name}`);
/** Every plugin folder, read from the tree so a new plugin is covered without editing this file. */
const PLUGINS = readdirSync(new URL('./gateway/plugins/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const IMPORT_DIRECTION = [
  {
    target: './gateway/config',
    from: gatewayFolders('server', 'plugins', 'engine', 'subgraph-client', 'supergraph', 'cli', 'schema-tools'),
    message: 'config/ sits below everything: it imports only errors.ts.',
  },
  {
    target: './gateway/subgraph-client',
    from: gatewayFolders('config', 'server', 'plugins', 'engine', 'supergraph', 'cli'),
    message: 'The subgraph client is transport only and owns its options.',
  },
  {
    target: ['./gateway/engine', './gateway/supergraph', './gateway/schema-tools'],
    from: gatewayFolders('server', 'plugins', 'cli'),
    message: 'engine/, supergraph/ and schema-tools/ do not import the server, plugins or CLIs.',
  },
  ...PLUGINS.map((plugin) => ({
    target: `./gateway/plugins/${plugin}`,
    from: [...PLUGINS.filter((other) => other !== plugin).map((other) => `./gateway/plugins/${other}`), ...gatewayFolders('server', 'cli')],
    message: 'No plugin imports another plugin, the server or a CLI.',
  })),
  { target: './gateway', from: ['./subgraphs', './test'], message: 'The gateway never imports the example subgraphs or tests.' },
  {
    target: './subgraphs',
    from: './gateway',
    except: ['./plugins/auth/signing.ts'],
    message: 'Subgraphs import nothing of the gateway but its signing protocol (gateway/plugins/auth/signing.ts).',
  },
  { target: './subgraphs', from: './test', message: 'Subgraphs never import tests.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-results/', '.bench/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // import-x reads TypeScript files (extensions and parser) when it follows imports, e.g. for no-cycle.
  importX.flatConfigs.typescript,
  {
    languageOptions: { globals: { ...globals.node } },
    // NodeNext specifiers (`./x.js`) resolved to the TypeScript files they name.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: IMPORT_DIRECTION }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering (docs/architecture.md): arrows point down.
 * The pure domain (orbit, plan, frame, codecs) never imports an adapter, an edge or an I/O module;
 * the core imports only the domain and its own ports.
 */
const EDGES_AND_ADAPTERS = ['api', 'cli', 'web', 'store', 'bus', 'integrations', 'regions', 'report', 'twin', 'core'];
const IO_MODULES = ['fs', 'net', 'http', 'https', 'http2', 'dgram', 'child_process', 'readline', 'tls', 'dns']
  .flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

/** @param {string[]} banned folders under src/ that the layer may not import */
function layer(banned) {
  return {
    'no-restricted-imports': ['error', {
      paths: IO_MODULES.filter((m) => !m.includes('*')).map((name) => ({
        name, message: 'The pure domain does no I/O: take data through parameters or a port.',
      })),
      patterns: [{
        group: banned.flatMap((b) => [`**/${b}/*`, `**/${b}`, `../${b}/*`]),
        message: 'Layering: the pure domain may not import an edge, an adapter or the core (docs/architecture.md).',
      }],
    }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'data/**', 'test-artifacts/**', 'tmp-scratch/**'] },
  js.configs.recommended,
  { languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', URL: 'readonly', setTimeout: 'readonly', setImmediate: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', structuredClone: 'readonly', SharedArrayBuffer: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/orbit/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan']) },
  { files: ['src/plan/**/*.ts'], rules: layer(EDGES_AND_ADAPTERS) },
  { files: ['src/frame/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit']) },
  { files: ['src/codecs/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit', 'frame', 'rules']) },
  { files: ['src/rules/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit', 'frame']) },
  { files: ['src/solutions/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit', 'frame']) },
  // The core talks to the world through its ports (src/core/ports); adapters and edges sit outside.
  { files: ['src/core/**/*.ts'], rules: layer(EDGES_AND_ADAPTERS.filter((l) => l !== 'core')) },
);

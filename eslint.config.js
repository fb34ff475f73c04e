// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering (docs/architecture.md): arrows point down.
 * The pure domain (orbit, plan, frame, codecs, learn) never imports an adapter, an edge or an I/O module;
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
  { files: ['src/rules/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit', 'frame', 'codecs']) },
  { files: ['src/solutions/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit', 'frame']) },
  // The learned models are pure (docs/intelligence.md): data in, numbers out; the numerical engine is a port.
  { files: ['src/learn/**/*.ts'], rules: layer([...EDGES_AND_ADAPTERS, 'plan', 'orbit', 'frame', 'codecs', 'rules', 'supervision']) },
  // The core talks to the world through its ports (src/core/ports); adapters and edges sit outside.
  { files: ['src/core/**/*.ts'], rules: layer(EDGES_AND_ADAPTERS.filter((l) => l !== 'core')) },
  // Supervision (audit, anomalies, registration reports) sits above the core and below the edges: it
  // reaches storage and the bus through the core's ports, and does no I/O of its own.
  { files: ['src/supervision/**/*.ts'], rules: layer(['api', 'cli', 'web', 'store', 'bus', 'integrations', 'regions', 'report', 'twin']) },
  // Edges reach storage through the core's use cases, never its store: writes made around the core's
  // services would skip the events (outbox, registry changes) they write in the same transaction.
  {
    files: ['src/api/**/*.ts', 'src/cli/**/*.ts', 'src/twin/**/*.ts', 'src/supervision/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[property.name='store'][object.name='core'], MemberExpression[property.name='store'][object.property.name='core']",
        message: "Edges use the core's use cases (core.registryQueries, core.messageQueries, core.quotas, core.rules, …), not core.store.",
      }],
    },
  },
  // The digital twin's models are pure (docs/twin.md): no I/O, no core, adapter or edge, nor the twin's own runtime.
  { files: ['src/twin/model/**/*.ts'], rules: layer(['api', 'cli', 'web', 'store', 'bus', 'integrations', 'regions', 'report', 'core', 'runtime']) },
  // The dashboard (web/) runs in the browser and talks to the API only: no server code, no Node modules
  // (its config file, web/vite.config.ts, runs in Node and is exempt).
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', sessionStorage: 'readonly', fetch: 'readonly', WebSocket: 'readonly', addEventListener: 'readonly', removeEventListener: 'readonly', dispatchEvent: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: IO_MODULES.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'The dashboard runs in a browser.' })),
        patterns: [{ group: ['**/src/**', '../../src/**', '../../../src/**', '../../../../src/**', 'node:*'], message: 'The dashboard talks to the API only (web/src/api/client.ts), never to server code.' }],
      }],
    },
  },
);

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering (docs/architecture.md): arrows point down, a layer imports only from the layers below it.
 *
 *   edges        api, cli, web, twin (the twin's runtime)     not guarded: they wire everything together
 *   adapters     store, bus, integrations                    not guarded: they implement the core's ports
 *                report (SVG maps, CSV, region presets): may import the pure domain only, I/O allowed
 *   supervision  may import the core and the pure domain; no adapter, edge or I/O module
 *   core         may import solutions, the pure domain and its own ports (src/core/ports); no supervision,
 *                adapter, edge or I/O module
 *   solutions    one folder per industry (logistics, power, water): may import the pure domain; no core,
 *                supervision, adapter, edge or I/O module
 *   pure domain  orbit, plan, frame, codecs, rules and learn: no solutions, core, supervision, adapter, edge
 *                or I/O module; orbit is its bottom and imports no other domain folder. The twin's models
 *                (twin/model) are as pure and may use solutions as well.
 *   errors       used by all, imports no other layer
 *
 * Inside the pure domain some folders keep apart from their peers (PEER_BANS below). I/O modules are
 * banned by exact name (`fs`, `node:fs`) and by sub-path (`fs/promises`, `node:fs/promises`): the
 * rule's `paths` take exact names only, so the sub-paths go into `patterns`. `worker_threads`, `os`
 * and `crypto` are not I/O here (plan's worker pool, frame's ciphers).
 *
 * `no-restricted-imports` reads only static imports and re-exports, so `no-restricted-syntax` applies the
 * same bans to what it cannot see: `import('…')` with a literal or a template without substitutions,
 * `require('…')` and TypeScript's `import('…')` types.
 */
const EDGES = ['api', 'cli', 'web', 'twin'];
const ADAPTERS = ['store', 'bus', 'integrations', 'report'];
/** What the core may not import: everything above it. */
const ABOVE_CORE = ['supervision', ...ADAPTERS, ...EDGES];
/** What solutions may not import: the core and everything above it. */
const ABOVE_SOLUTIONS = ['core', ...ABOVE_CORE];
/** What the pure domain may not import: solutions and everything above them. */
const ABOVE_DOMAIN = ['solutions', ...ABOVE_SOLUTIONS];
const DOMAIN = ['orbit', 'plan', 'frame', 'codecs', 'rules', 'learn'];
/** Domain folders a domain folder may not import besides the layers above it. */
const PEER_BANS = {
  orbit: DOMAIN.filter((d) => d !== 'orbit'),
  plan: [],
  frame: ['plan', 'orbit'],
  // codecs and rules read bytes and decoded JSON: neither imports the other, nor frames or orbits.
  codecs: ['plan', 'orbit', 'frame', 'rules'],
  rules: ['plan', 'orbit', 'frame', 'codecs'],
  // The learned models are pure (docs/intelligence.md): data in, numbers out; the numerical engine is a port.
  learn: ['plan', 'orbit', 'frame', 'codecs', 'rules'],
};
const IO_NAMES = ['fs', 'net', 'http', 'https', 'http2', 'dgram', 'child_process', 'readline', 'tls', 'dns'];
/** Exact module names, for `paths`. */
const IO_MODULES = IO_NAMES.flatMap((m) => [m, `node:${m}`]);
/** Sub-path patterns (`fs/promises`), for `patterns` (gitignore syntax). */
const IO_SUBPATHS = IO_NAMES.flatMap((m) => [`${m}/*`, `node:${m}/*`]);

/** An I/O module's specifier, with or without `node:` and with sub-paths (esquery regex). */
const IO_SPECIFIER = `/^(node:)?(${IO_NAMES.join('|')})([/]|$)/`;

/**
 * `no-restricted-syntax` entries for the module specifiers that `regex` (esquery syntax) matches where
 * `no-restricted-imports` does not look: dynamic imports, `require` calls and `import('…')` types.
 * @param {string} regex
 * @param {string} message
 */
function nonStaticImports(regex, message) {
  return [
    `ImportExpression[source.value=${regex}]`,
    `ImportExpression[source.expressions.length=0][source.quasis.0.value.cooked=${regex}]`,
    `CallExpression[callee.type='Identifier'][callee.name='require'][arguments.0.value=${regex}]`,
    `TSImportType[argument.literal.value=${regex}]`,
  ].map((selector) => ({ selector, message }));
}

/** Edges reach storage through the core's use cases, never its store (see the edges' entry below). */
const NO_CORE_STORE = {
  selector:
    "MemberExpression[property.name='store'][object.name='core'], MemberExpression[property.name='store'][object.property.name='core']",
  message:
    "Edges use the core's use cases (core.registryQueries, core.messageQueries, core.quotas, core.rules, …), not core.store.",
};

/**
 * @param {string} name the layer, for the messages
 * @param {string[]} banned folders under src/ (or, for twin/model, under src/twin/) the layer may not import
 * @param {{ syntax?: Array<{ selector: string, message: string }>, io?: boolean }} [options] `syntax`: other
 *   `no-restricted-syntax` entries of the layer's files (a later config entry would replace these, not add to
 *   them); `io: true` (the default) also bans the I/O modules
 */
function layer(name, banned, { syntax = [], io = true } = {}) {
  const noIo = `Layering: ${name} does no I/O: take data through parameters or a port (docs/architecture.md).`;
  const above = `Layering: ${name} may not import ${banned.join(', ')} (docs/architecture.md).`;
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: io ? IO_MODULES.map((m) => ({ name: m, message: noIo })) : [],
        patterns: [
          ...(io ? [{ group: IO_SUBPATHS, message: noIo }] : []),
          {
            group: banned.flatMap((b) => [`**/${b}/*`, `**/${b}`, `../${b}/*`]),
            message: above,
          },
        ],
      },
    ],
    // The same bans where a module is named outside an import declaration: one of `banned` as any path segment.
    'no-restricted-syntax': [
      'error',
      ...(io ? nonStaticImports(IO_SPECIFIER, noIo) : []),
      ...nonStaticImports(`/(^|[/])(${banned.join('|')})([/]|$)/`, above),
      ...syntax,
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'data/**', 'test-artifacts/**', 'tmp-scratch/**'] },
  js.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        setImmediate: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        structuredClone: 'readonly',
        SharedArrayBuffer: 'readonly',
      },
    },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...DOMAIN.map((d) => ({
    files: [`src/${d}/**/*.ts`],
    rules: layer(`the pure domain (${d})`, [...ABOVE_DOMAIN, ...PEER_BANS[d]]),
  })),
  // Each industry's presets, figures and track or section logic (src/solutions/<industry>) stand on the pure
  // domain and are as pure; the core runs them.
  { files: ['src/solutions/**/*.ts'], rules: layer('solutions', ABOVE_SOLUTIONS) },
  // The core talks to the world through its ports (src/core/ports); supervision, adapters and edges sit above it.
  { files: ['src/core/**/*.ts'], rules: layer('the core', ABOVE_CORE) },
  // Supervision (audit, anomalies, registration reports) sits above the core and below the edges: it
  // reaches storage and the bus through the core's ports, and does no I/O of its own.
  {
    files: ['src/supervision/**/*.ts'],
    rules: layer('supervision', [...ADAPTERS, ...EDGES], { syntax: [NO_CORE_STORE] }),
  },
  { files: ['src/errors/**/*.ts'], rules: layer('errors', [...DOMAIN, ...ABOVE_DOMAIN]) },
  // The files people read (SVG maps, CSV, region presets) are drawn from the pure domain's figures; they read
  // and write files (Natural Earth, a GeoJSON region) but need neither the core nor another adapter.
  {
    files: ['src/report/**/*.ts'],
    rules: layer(
      'report',
      ABOVE_DOMAIN.filter((l) => l !== 'report'),
      { io: false },
    ),
  },
  // Edges reach storage through the core's use cases, never its store: writes made around the core's
  // services would skip the events (outbox, registry changes) they write in the same transaction.
  // (Supervision and the twin's models carry NO_CORE_STORE in their layer's own no-restricted-syntax.)
  {
    files: ['src/api/**/*.ts', 'src/cli/**/*.ts', 'src/twin/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_CORE_STORE] },
  },
  // The digital twin's models are pure (docs/twin.md): no I/O, no core, supervision, adapter or edge, nor the
  // twin's own runtime (src/twin/runtime; the `report` entry also keeps out src/twin/report). They may use the
  // domain below them (orbit, plan, codecs, solutions) and the twin's scenario types.
  {
    files: ['src/twin/model/**/*.ts'],
    rules: layer('the pure domain (twin/model)', ['core', 'supervision', ...ADAPTERS, 'api', 'cli', 'web', 'runtime'], {
      syntax: [NO_CORE_STORE],
    }),
  },
  // The dashboard (web/) runs in the browser and talks to the API only: no server code, no Node modules
  // (its config file, web/vite.config.ts, runs in Node and is exempt).
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
        addEventListener: 'readonly',
        removeEventListener: 'readonly',
        dispatchEvent: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({ name, message: 'The dashboard runs in a browser.' })),
          patterns: [
            { group: IO_SUBPATHS, message: 'The dashboard runs in a browser.' },
            {
              group: ['**/src/**', '../../src/**', '../../../src/**', '../../../../src/**', 'node:*'],
              message: 'The dashboard talks to the API only (web/src/api/client.ts), never to server code.',
            },
          ],
        },
      ],
    },
  },
);

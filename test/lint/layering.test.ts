import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering rule of eslint.config.js (docs/architecture.md, "Layers"), tested on snippets linted as
 * if they were files of each layer: the files need not exist, the config picks its rules by path.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.js') });
});

/** The messages of `no-restricted-imports` for `code` linted as the file `filePath` (relative to the repository). */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`no lint result for ${filePath}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/**
 * The layering messages for `code` as the file `filePath`: `no-restricted-imports` for import declarations
 * and re-exports, `no-restricted-syntax` for what that rule does not read (dynamic `import()`, `require`,
 * `import()` types) and for `core.store`.
 */
async function layeringMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`no lint result for ${filePath}`);
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

/** The specifier a file in `fromDir` uses to import `src/<target>/x.js`. */
function specifier(fromDir: string, target: string): string {
  return path.posix.relative(fromDir, `src/${target}/x.js`);
}

const PURE_DOMAIN = [
  'src/orbit',
  'src/plan',
  'src/frame',
  'src/codecs',
  'src/learn',
  'src/rules',
  'src/solutions', // above the pure domain (see 'solutions' below), and as pure
  'src/twin/model',
];
const IO_IMPORTS = [
  "import { readFile } from 'node:fs/promises';",
  "import { readFile } from 'fs/promises';",
  "import 'node:fs';",
  "import 'fs';",
  "import { connect } from 'node:net';",
  "import { spawn } from 'node:child_process';",
  "import { request } from 'node:http';",
];

describe('the pure domain', () => {
  describe.each(PURE_DOMAIN)('%s', (dir) => {
    const file = `${dir}/x.ts`;

    it.each(IO_IMPORTS)('refuses an I/O module: %s', async (code) => {
      const messages = await restrictedImports(file, code);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/does no I\/O/);
    });

    it.each(['core', 'store', 'bus', 'supervision', 'api', 'cli', 'web', 'integrations', 'report'])(
      'refuses to import %s',
      async (target) => {
        const messages = await restrictedImports(file, `import { x } from '${specifier(dir, target)}';`);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatch(new RegExp(`may not import .*\\b${target}\\b`));
      },
    );

    it('refuses a type import and a re-export of the core as well', async () => {
      const core = specifier(dir, 'core');
      expect(await restrictedImports(file, `import type { X } from '${core}';\nexport type { X };`)).toHaveLength(1);
      expect(await restrictedImports(file, `export { x } from '${core}';`)).toHaveLength(1);
      expect(await restrictedImports(file, `export * from '${core}';`)).toHaveLength(1);
    });

    it('allows its own folder and the errors', async () => {
      expect(await restrictedImports(file, "import { y } from './y.js';\nexport const x = y;")).toEqual([]);
      expect(
        await restrictedImports(
          file,
          `import { SatiotError } from '${specifier(dir, 'errors')}';\nexport const x = SatiotError;`,
        ),
      ).toEqual([]);
    });
  });

  it('refuses the twin to every pure domain folder but its own model', async () => {
    expect(await restrictedImports('src/plan/x.ts', "import { x } from '../twin/model/x.js';")).toHaveLength(1);
  });

  it('guards files in nested folders too', async () => {
    expect(await restrictedImports('src/codecs/jt808/x.ts', "import { x } from '../../store/x.js';")).toHaveLength(1);
    expect(
      await restrictedImports('src/codecs/jt808/x.ts', "import { x } from '../../core/ports/store.js';"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('src/codecs/jt808/x.ts', "import { readFile } from 'node:fs/promises';"),
    ).toHaveLength(1);
  });

  it.each([
    ['src/orbit/x.ts', '../plan/x.js'],
    ['src/orbit/x.ts', '../frame/x.js'],
    ['src/orbit/x.ts', '../learn/x.js'],
    ['src/frame/x.ts', '../plan/x.js'],
    ['src/frame/x.ts', '../orbit/x.js'],
    ['src/codecs/x.ts', '../rules/x.js'],
    ['src/codecs/x.ts', '../frame/x.js'],
    ['src/rules/x.ts', '../codecs/x.js'],
    ['src/rules/x.ts', '../orbit/x.js'],
    ['src/learn/x.ts', '../rules/x.js'],
    ['src/learn/x.ts', '../codecs/x.js'],
    ['src/twin/model/x.ts', '../runtime/x.js'],
    ['src/twin/model/x.ts', '../report/x.js'],
  ])('keeps %s from its peer %s', async (file, target) => {
    const messages = await restrictedImports(file, `import { x } from '${target}';`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/may not import/);
  });

  it.each([
    ['src/plan/x.ts', "import { x } from '../orbit/x.js';"],
    ['src/plan/x.ts', "import { Worker } from 'node:worker_threads';"],
    ['src/plan/x.ts', "import { cpus } from 'node:os';"],
    ['src/frame/x.ts', "import { createCipheriv } from 'node:crypto';"],
    ['src/rules/x.ts', "import { x } from '../learn/x.js';"],
    ['src/twin/model/x.ts', "import { x } from '../../plan/x.js';"],
    ['src/twin/model/x.ts', "import { x } from '../../codecs/x.js';"],
    ['src/twin/model/x.ts', "import { x } from '../scenario/x.js';"],
    ['src/twin/model/x.ts', "import { x } from '../../solutions/logistics/x.js';"],
  ])('lets %s use what lies below it: %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport const _used = 1;`)).toEqual([]);
  });
});

describe('solutions', () => {
  it.each([
    ['src/orbit/x.ts', '../solutions/x.js'],
    ['src/plan/x.ts', '../solutions/x.js'],
    ['src/rules/x.ts', '../solutions/index.js'],
    ['src/learn/x.ts', '../solutions/logistics/track.js'],
    ['src/codecs/jt808/x.ts', '../../solutions/logistics/track.js'],
  ])('sit above the pure domain: %s may not import %s', async (file, target) => {
    const messages = await restrictedImports(file, `import { x } from '${target}';`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/may not import .*\bsolutions\b/);
  });

  it.each(['../../core/x.js', '../../supervision/x.js', '../../store/x.js', '../../report/x.js', '../../twin/x.js'])(
    'refuse from an industry folder what lies above them: %s',
    async (target) => {
      const messages = await restrictedImports('src/solutions/power/x.ts', `import { x } from '${target}';`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/solutions may not import/);
    },
  );

  it.each([
    ['src/solutions/logistics/x.ts', "import { x } from '../../orbit/x.js';"],
    ['src/solutions/logistics/x.ts', "import { x } from '../../learn/x.js';"],
    ['src/solutions/water/x.ts', "import { x } from '../../rules/x.js';"],
    ['src/solutions/power/x.ts', "import { x } from '../../plan/x.js';"],
    ['src/solutions/power/x.ts', "import { x } from '../../codecs/x.js';"],
    ['src/solutions/x.ts', "import { x } from './water/x.js';"],
  ])('may use the pure domain: %s %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport const _used = 1;`)).toEqual([]);
  });
});

describe('the core', () => {
  it.each(['supervision', 'api', 'cli', 'web', 'store', 'bus', 'integrations', 'report', 'twin'])(
    'refuses to import %s',
    async (target) => {
      const messages = await restrictedImports('src/core/x.ts', `import { x } from '../${target}/x.js';`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/the core may not import/);
    },
  );

  it('refuses them from nested folders too', async () => {
    expect(
      await restrictedImports('src/core/delivery/x.ts', "import { x } from '../../supervision/x.js';"),
    ).toHaveLength(1);
  });

  it.each(["import { readFile } from 'node:fs/promises';", "import 'node:fs';", "import { connect } from 'node:net';"])(
    'refuses an I/O module: %s',
    async (code) => {
      const messages = await restrictedImports('src/core/x.ts', code);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/does no I\/O/);
    },
  );

  it.each([
    "import { x } from '../orbit/x.js';",
    "import { x } from '../plan/x.js';",
    "import { x } from '../codecs/x.js';",
    "import { x } from '../solutions/logistics/track.js';",
    "import { x } from './ports/store.js';",
    "import { x } from '../errors/x.js';",
    "import { randomUUID } from 'node:crypto';",
  ])('allows solutions, the pure domain, its ports and the errors: %s', async (code) => {
    expect(await restrictedImports('src/core/x.ts', code)).toEqual([]);
  });
});

describe('supervision', () => {
  it.each(['api', 'cli', 'web', 'store', 'bus', 'integrations', 'report', 'twin'])(
    'refuses to import %s',
    async (target) => {
      const messages = await restrictedImports('src/supervision/x.ts', `import { x } from '../${target}/x.js';`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/supervision may not import/);
    },
  );

  it('refuses an I/O module', async () => {
    expect(
      await restrictedImports('src/supervision/x.ts', "import { readFile } from 'node:fs/promises';"),
    ).toHaveLength(1);
  });

  it.each([
    "import { x } from '../core/x.js';",
    "import { x } from '../orbit/x.js';",
    "import { x } from '../learn/x.js';",
  ])('allows the core and the pure domain: %s', async (code) => {
    expect(await restrictedImports('src/supervision/x.ts', code)).toEqual([]);
  });
});

describe('the errors', () => {
  it.each(['core', 'orbit', 'store'])('import no other layer: refuses %s', async (target) => {
    expect(await restrictedImports('src/errors/x.ts', `import { x } from '../${target}/x.js';`)).toHaveLength(1);
  });
});

describe('report', () => {
  it.each(['core', 'supervision', 'store', 'bus', 'integrations', 'solutions', 'api', 'cli', 'twin'])(
    'draws from the pure domain only: refuses %s',
    async (target) => {
      const messages = await layeringMessages('src/report/x.ts', `import { x } from '../${target}/x.js';`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/report may not import/);
    },
  );

  it('refuses them loaded on demand too', async () => {
    expect(await layeringMessages('src/report/x.ts', "export const load = () => import('../core/x.js');")).toHaveLength(
      1,
    );
  });

  it.each([
    "import { x } from '../plan/x.js';",
    "import { x } from '../orbit/x.js';",
    "import { x } from '../errors/x.js';",
    "import { readFileSync } from 'node:fs';",
    "import { stringify } from 'csv-stringify/sync';",
    "export const load = () => import('node:fs/promises');",
  ])('reads and writes files and uses the pure domain: %s', async (code) => {
    expect(await layeringMessages('src/report/x.ts', `${code}\nexport const _used = 1;`)).toEqual([]);
  });
});

describe('the dashboard', () => {
  it.each(["import { readFile } from 'fs/promises';", "import 'fs';", "import { readFile } from 'node:fs/promises';"])(
    'refuses a Node module: %s',
    async (code) => {
      expect(await restrictedImports('web/src/x.ts', code)).not.toEqual([]);
    },
  );
});

describe('the edges and adapters', () => {
  it.each([
    ['src/api/x.ts', "import { x } from '../store/x.js';"],
    ['src/cli/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['src/store/x.ts', "import { x } from '../core/ports/store.js';"],
  ])('are not guarded by the layering rule: %s %s', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});

describe('imports outside import declarations', () => {
  describe.each(PURE_DOMAIN)('%s', (dir) => {
    const file = `${dir}/x.ts`;

    it.each([
      "export const load = () => import('node:fs');",
      "export const load = async () => (await import('fs/promises')).readFile;",
      'export const load = () => import(`node:child_process`);',
      "declare const require: (id: string) => unknown;\nexport const net = require('node:net');",
      "export type Fs = typeof import('node:fs');",
    ])('refuses an I/O module: %s', async (code) => {
      const messages = await layeringMessages(file, code);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/does no I\/O/);
    });

    it.each(['core', 'store', 'supervision', 'api', 'twin/runtime'])(
      'refuses a dynamic import of %s',
      async (target) => {
        const messages = await layeringMessages(file, `export const load = () => import('${specifier(dir, target)}');`);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatch(/may not import/);
      },
    );

    it('allows its own folder, the errors and the modules that do no I/O', async () => {
      for (const code of [
        "export const load = () => import('./y.js');",
        `export const load = () => import('${specifier(dir, 'errors')}');`,
        "export const load = () => import('node:worker_threads');",
        "export const load = () => import('node:crypto');",
      ])
        expect(await layeringMessages(file, code)).toEqual([]);
    });
  });

  it.each([
    ['src/orbit/x.ts', '../plan/x.js'],
    ['src/codecs/jt808/x.ts', '../../rules/x.js'],
    ['src/learn/x.ts', '../solutions/logistics/track.js'],
    ['src/solutions/water/x.ts', '../../core/x.js'],
    ['src/core/x.ts', '../store/x.js'],
    ['src/core/delivery/x.ts', '../../supervision/x.js'],
    ['src/supervision/x.ts', '../bus/x.js'],
    ['src/errors/x.ts', '../core/x.js'],
    ['src/twin/model/x.ts', '../runtime/x.js'],
  ])('keeps the layers when %s loads %s on demand', async (file, target) => {
    const messages = await layeringMessages(file, `export const load = () => import('${target}');`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/may not import/);
  });

  it('refuses the core an I/O module loaded on demand', async () => {
    expect(await layeringMessages('src/core/x.ts', "export const load = () => import('node:net');")).toHaveLength(1);
  });

  it.each([
    ['src/core/x.ts', "export const load = () => import('../solutions/logistics/track.js');"],
    ['src/core/x.ts', "export const load = () => import('../orbit/x.js');"],
    ['src/supervision/x.ts', "export const load = () => import('../core/x.js');"],
    ['src/solutions/logistics/x.ts', "export const load = () => import('../../learn/x.js');"],
    ['src/cli/commands/x.ts', "export const load = () => import('../../store/x.js');"],
    ['src/cli/x.ts', "export const load = () => import('node:fs/promises');"],
  ])('lets %s load what lies below it: %s', async (file, code) => {
    expect(await layeringMessages(file, code)).toEqual([]);
  });

  it("keeps supervision's and the twin's models' core.store ban beside their import bans", async () => {
    const code = 'declare const core: { store: unknown };\nexport const s = core.store;';
    for (const file of ['src/supervision/x.ts', 'src/twin/model/x.ts', 'src/api/x.ts'])
      expect(await layeringMessages(file, code)).toEqual([expect.stringMatching(/not core\.store/)]);
  });
});

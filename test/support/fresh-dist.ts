/**
 * Vitest global setup of the integration and end-to-end tiers: the tests that run the built CLI
 * (`dist/cli/main.js`), a compiled worker pool or the dashboard bundle get a `dist/` at least as new
 * as every source file. A stale or missing build is rebuilt once here (`tsc -p tsconfig.build.json`,
 * and `npm run build:web` when `web/` changed), so no test checks or builds on its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest modification time of the files under `dir` (recursively), ms; 0 when it does not exist. */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const builtAt = (file: string): number => (existsSync(file) ? statSync(file).mtimeMs : 0);

export default function setup(): void {
  if (builtAt(join(ROOT, 'dist/cli/main.js')) < newest(join(ROOT, 'src'))) {
    process.stderr.write('dist/ is older than src/: building it (tsc -p tsconfig.build.json)\n');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  if (builtAt(join(ROOT, 'dist/web/index.html')) < newest(join(ROOT, 'web/src'))) {
    process.stderr.write('dist/web is older than web/src: building it (npm run build:web)\n');
    execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  }
}

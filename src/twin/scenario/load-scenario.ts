import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SatiotError } from '../../errors/satiot-error.js';
import { CHINA_DEMO, CHINA_MIXED, CHINA_TRIAL } from './china-trial.js';
import { parseScenario } from './parse-scenario.js';
import type { Scenario } from './scenario.js';

/** Built-in scenarios by name. */
export const BUILTIN_SCENARIOS: Readonly<Record<string, Record<string, unknown>>> = {
  'china-trial': CHINA_TRIAL,
  'china-mixed': CHINA_MIXED,
  'china-demo': CHINA_DEMO,
};

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SatiotError(
      'FILE_NOT_READABLE',
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { path },
    );
  }
}

/**
 * A scenario by built-in name (`china-trial`, `china-mixed`, `china-demo`) or from a YAML/JSON file (which may start
 * from a built-in one with `base: china-trial`). The span starts at `opts.start`, else at the file's `start`, else now
 * rounded down to the minute.
 */
export function loadScenario(nameOrPath: string, opts: { start?: number } = {}): Scenario {
  const defaultStart = Math.floor(Date.now() / 60_000) * 60_000;
  const builtin = BUILTIN_SCENARIOS[nameOrPath];
  let raw: unknown;
  let elementSetsText: string | undefined;
  if (builtin) {
    raw = builtin;
  } else {
    const text = readText(nameOrPath);
    try {
      raw = parseYaml(text); // YAML is a superset of JSON: one parser reads both
    } catch (e) {
      throw new SatiotError(
        'SCENARIO_INVALID',
        `${nameOrPath}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`,
        { path: nameOrPath },
      );
    }
    // `base: china-trial` starts from a built-in scenario; the file's top-level keys replace its keys.
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'base' in raw) {
      const { base, ...rest } = raw as Record<string, unknown>;
      const b = typeof base === 'string' ? BUILTIN_SCENARIOS[base] : undefined;
      if (!b)
        throw new SatiotError(
          'SCENARIO_INVALID',
          `base: '${String(base)}' is not a built-in scenario (${Object.keys(BUILTIN_SCENARIOS).join(', ')})`,
          { path: 'base' },
        );
      raw = { ...b, ...rest };
    }
    const c = (raw as { constellation?: { elementSetsFile?: unknown } } | null)?.constellation;
    if (typeof c?.elementSetsFile === 'string')
      elementSetsText = readText(resolve(dirname(nameOrPath), c.elementSetsFile));
  }
  const s = parseScenario(raw, { ...(elementSetsText !== undefined ? { elementSetsText } : {}), defaultStart });
  return opts.start !== undefined ? { ...s, start: opts.start } : s;
}

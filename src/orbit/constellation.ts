import type { ElementSet } from './element-set.js';
import { parseElementSets } from './parse-element-sets.js';
import { Satellite } from './satellite.js';
import { generateWalker, parseWalker } from './walker.js';
import { epochMs } from './units.js';
import { SatiotError } from '../errors/satiot-error.js';

export interface ConstellationSpec {
  /** TLE or OMM JSON text (what `source` names in messages). */
  elementSets?: { text: string; source: string };
  walker?: { design: string; altitudeKm: number; raanSpreadDeg?: number };
  /** Keep only these names or catalog numbers. */
  only?: readonly string[];
}

/**
 * The satellites a plan or pass search works on, from element-set text or a Walker design (epoch =
 * `epoch`), filtered by name or catalog number. Rejected element sets and stale epochs are reported
 * through `warn`; an empty result is an error.
 */
export function buildConstellation(spec: ConstellationSpec, epoch: number, warn: (line: string) => void): Satellite[] {
  let sets: ElementSet[];
  if (spec.elementSets && spec.walker)
    throw new SatiotError('INVALID_ARGUMENT', 'give either element sets or a Walker design, not both');
  if (spec.elementSets) {
    const { text, source } = spec.elementSets;
    const load = parseElementSets(text);
    for (const issue of load.issues) warn(`warning ${issue.code}: ${source}: ${issue.message} (skipped)`);
    sets = load.sets;
    if (sets.length === 0) {
      const first = load.issues[0];
      throw new SatiotError(
        'NO_ELEMENT_SETS',
        `${source} holds no usable element set` +
          `${load.issues.length ? ` (${load.issues.length} rejected; first: ${first?.message})` : ''}`,
        { source, issues: load.issues.slice(0, 20) },
      );
    }
  } else if (spec.walker) {
    const w = spec.walker;
    sets = generateWalker({
      ...parseWalker(w.design),
      altitudeKm: w.altitudeKm,
      epoch: epochMs(epoch),
      ...(w.raanSpreadDeg !== undefined ? { raanSpreadDeg: w.raanSpreadDeg } : {}),
    });
  } else {
    throw new SatiotError(
      'INVALID_ARGUMENT',
      'give a constellation: element sets (TLE/OMM) or a Walker design i:T/P/F with an altitude',
    );
  }
  if (spec.only && spec.only.length > 0) {
    const match = (w: string, s: ElementSet) => w === String(s.noradId) || w.toLowerCase() === s.name.toLowerCase();
    const wanted = spec.only.map((s) => s.trim());
    const missing = wanted.filter((w) => !sets.some((s) => match(w, s)));
    if (missing.length > 0)
      throw new SatiotError(
        'SATELLITE_NOT_FOUND',
        `no satellite named or numbered ${missing.map((m) => `'${m}'`).join(', ')}`,
        { missing },
      );
    sets = sets.filter((s) => wanted.some((w) => match(w, s)));
  }
  const stale = sets.filter((s) => Math.abs(epoch - s.epoch) > 14 * 86_400_000);
  if (stale.length > 0) {
    const days = Math.round(Math.max(...stale.map((s) => Math.abs(epoch - s.epoch))) / 86_400_000);
    warn(
      `warning: ${stale.length} element set(s) are more than 14 days from the start (up to ${days} days): ` +
        `positions degrade by kilometres per day`,
    );
  }
  return sets.map((s) => new Satellite(s));
}

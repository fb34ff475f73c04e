import { fail } from './json-reader.js';

/**
 * Field paths name the value a condition reads: `meta.<name>` reads the message metadata (fPort,
 * rssi, snr, satelliteId, stationId, uplinkLatencyS, …), anything else is a dotted path into the
 * decoded object (`values.waterLevelM`, `alarm.overspeed`, `readings.0.value` for an array item).
 * A decoded field literally called `meta` is therefore not reachable; no codec of ours emits one.
 */
const MAX_SEGMENTS = 16;
const MAX_LENGTH = 256;

/** Validates a path's syntax (non-empty segments, no spaces, bounded length); throws RuleError at `path`. */
export function checkFieldPath(text: string, path: string): void {
  if (text.length > MAX_LENGTH) fail(path, `must be at most ${MAX_LENGTH} characters`);
  const segments = text.split('.');
  if (segments.length > MAX_SEGMENTS) fail(path, `must have at most ${MAX_SEGMENTS} segments`);
  if (segments.some((s) => s.length === 0 || /\s/.test(s)))
    fail(path, 'must be a dotted path such as values.waterLevelM or meta.rssi');
  if (segments[0] === 'meta' && segments.length < 2) fail(path, 'must name a metadata field, e.g. meta.rssi');
}

/**
 * The number at a path, or undefined when it is missing or not numeric (the condition is then
 * unknown). Booleans read as 1 and 0, so `alarm.sos == 1` works on JT/T 808 flag objects; strings
 * are not parsed — a codec that emits "12.3" has a bug the rule should not hide.
 */
export function readNumericField(text: string, decoded: unknown, meta: unknown): number | undefined {
  const segments = text.split('.');
  let node: unknown = decoded;
  if (segments[0] === 'meta') {
    node = meta;
    segments.shift();
  }
  for (const s of segments) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(s)) return undefined;
      node = node[Number(s)];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, s)) {
      // Own properties only: `constructor` must not resolve to Object.prototype's.
      node = (node as Record<string, unknown>)[s];
    } else {
      return undefined;
    }
  }
  if (typeof node === 'number') return Number.isFinite(node) ? node : undefined;
  if (typeof node === 'boolean') return node ? 1 : 0;
  return undefined;
}

import type { ElementSetLoad } from './element-set.js';
import { parseTle } from './tle-parser.js';
import { parseOmmJson } from './omm-parser.js';

/**
 * Reads element sets from text: CelesTrak OMM JSON when it starts with '[' or '{', else TLE
 * (2- or 3-line). Unparseable JSON is one OMM_MALFORMED issue, not an exception.
 */
export function parseElementSets(text: string): ElementSetLoad {
  const t = text.trimStart();
  if (t.startsWith('[') || t.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch (e) {
      return {
        sets: [],
        issues: [{ code: 'OMM_MALFORMED', line: 1, message: `the OMM JSON does not parse: ${(e as Error).message}` }],
      };
    }
    return parseOmmJson(json);
  }
  return parseTle(text);
}

import { CodecError } from '../codec.js';
import { sl651Element, type Sl651ElementInfo } from './element-table.js';

/**
 * Identifier spellings: '0x39' for one byte, '0xff09' for the 0xFF-prefixed extended identifiers
 * (kept raw: no table names them), and the names an element gets when the table has no row.
 */
export interface ElementIdentity {
  /** The identifier as the decoder writes it. */
  id: string;
  /** The bytes on the wire: one, or 0xFF and one. */
  code: number[];
  info: Sl651ElementInfo | undefined;
  key: string;
  name: string;
  unit: string | null;
}

export function identityOf(code: number[]): ElementIdentity {
  const hex = code.map((b) => b.toString(16).padStart(2, '0')).join('');
  const info = code.length === 1 ? sl651Element(code[0]!) : undefined;
  if (info) return { id: '0x' + hex, code, info, key: info.key, name: info.name, unit: info.unit };
  const extended = code.length === 2;
  return {
    id: '0x' + hex,
    code,
    info,
    key: extended ? `ext_${hex}` : `unknown_${hex}`,
    name: `${extended ? 'extended' : 'unknown'} element 0x${hex}`,
    unit: null,
  };
}

/** The identity of an encoder's `id`: a byte, or '0x39' / '0xff09'. */
export function parseElementId(id: string | number): ElementIdentity {
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xff && id !== 0xff) return identityOf([id]);
  if (typeof id === 'string') {
    const m = /^0x([0-9a-fA-F]{2}|[fF]{2}[0-9a-fA-F]{2})$/.exec(id);
    if (m) {
      const digits = m[1]!.toLowerCase();
      if (digits.length === 2 && digits !== 'ff') return identityOf([parseInt(digits, 16)]);
      if (digits.length === 4) return identityOf([0xff, parseInt(digits.slice(2), 16)]);
    }
  }
  throw new CodecError('CODEC_MALFORMED', `cannot encode element id ${String(id)}: not a byte or '0x..' / '0xff..'`);
}

import { toHex } from '../codec.js';
import { readBcdLe } from './bcd.js';
import type { DiDefinition } from './di-table.js';
import type { Dlt645Value, Dlt645Values } from './message.js';

/**
 * The value bytes of a DI as numbers. When the DI is unknown, or the byte count does not fit its
 * format (a vendor variant), the value is the raw bytes as hex and `values` is empty: nothing is guessed.
 */
export function decodeDiValue(
  def: DiDefinition | undefined,
  data: Uint8Array,
): { value: Dlt645Value; values: Dlt645Values } {
  if (!def) return { value: toHex(data), values: {} };
  const size = def.format.bytes;
  const n = data.length / size;
  const fits = def.block
    ? Number.isInteger(n) && n > 0 && (def.count === null || n === def.count)
    : data.length === size;
  if (!fits) return { value: toHex(data), values: {} };
  const nums: (number | null)[] = [];
  const values: Dlt645Values = {};
  for (let i = 0; i < n; i++) {
    const v = readBcdLe(data.subarray(i * size, (i + 1) * size), def.format.decimals, def.format.signed);
    nums.push(v);
    values[def.keyAt(i)] = v;
  }
  return { value: def.block ? nums : (nums[0] ?? null), values };
}

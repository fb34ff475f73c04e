import fc from 'fast-check';
import { CodecError } from '../../src/codecs/codec.js';

/**
 * The CodecError `f` throws. Fails the test when it returns, and rethrows (so the test fails with
 * the original error) when it throws anything else.
 */
export function codecErrorOf(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error('expected a CodecError, but it returned');
}

/**
 * One edit of a frame for the fuzz properties. `at` is taken modulo the current length (length + 1
 * for insert), so any index fits any frame; flip and set do nothing to an empty frame.
 */
export type FrameMutation =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number } // invert one bit
  | { readonly op: 'set'; readonly at: number; readonly byte: number } // replace a byte
  | { readonly op: 'insert'; readonly at: number; readonly byte: number }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'truncate'; readonly at: number }; // keep bytes [0, at): at least one byte goes

export type FrameMutationOp = FrameMutation['op'];

/** The frame with the mutations applied in order (a new array; `frame` is not touched). */
export function mutateFrame(frame: Uint8Array, mutations: readonly FrameMutation[]): Uint8Array {
  let b = Array.from(frame);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + (m.op === 'insert' ? 1 : 0));
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[at] = b[at]! ^ (1 << m.bit);
        break;
      case 'set':
        if (b.length > 0) b[at] = m.byte;
        break;
      case 'insert':
        b.splice(at, 0, m.byte);
        break;
      case 'delete':
        b.splice(at, 1);
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
    }
  }
  return Uint8Array.from(b);
}

const byte = fc.integer({ min: 0, max: 255 });
const MUTATION: { readonly [K in FrameMutationOp]: fc.Arbitrary<Extract<FrameMutation, { op: K }>> } = {
  flip: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  set: fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte }),
  insert: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte }),
  delete: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  truncate: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
};

/** 1 to 4 mutations for mutateFrame, each op equally likely (default: flip a bit, insert or delete a byte, or cut the frame short). */
export function mutationsArb(
  ops: readonly FrameMutationOp[] = ['flip', 'insert', 'delete', 'truncate'],
): fc.Arbitrary<FrameMutation[]> {
  return fc.array(fc.oneof(...ops.map((op): fc.Arbitrary<FrameMutation> => MUTATION[op])), {
    minLength: 1,
    maxLength: 4,
  });
}

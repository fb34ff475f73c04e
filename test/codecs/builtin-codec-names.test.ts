import { describe, expect, it } from 'vitest';
import { BUILTIN_CODEC_NAMES } from '../../src/codecs/builtin-codec-names.js';
import { BUILTIN_CODECS } from '../../src/codecs/builtin-codecs.js';

describe('BUILTIN_CODEC_NAMES', () => {
  it('names exactly the built-in codecs, in their order', () => {
    expect(BUILTIN_CODEC_NAMES).toEqual([...BUILTIN_CODECS.keys()]);
  });
});

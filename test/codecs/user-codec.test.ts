import { beforeAll, describe, expect, it } from 'vitest';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { CodecErrorCode } from '../../src/codecs/codec.js';
import { loadUserCodecEngine, UserCodec } from '../../src/codecs/user/user-codec.js';
import { codecErrorOf } from './helpers.js';

const TEMPERATURE = `
function decodeUplink(bytes, fPort) {
  var t = (bytes[0] << 8 | bytes[1]); if (t & 0x8000) t -= 0x10000;
  return { fPort: fPort, temperatureC: t / 10, battery: bytes[2] };
}
function encodeDownlink(o) { return [o.interval >> 8, o.interval & 255]; }`;

const codeOf = (f: () => unknown): CodecErrorCode => codecErrorOf(f).code;

describe('user codecs in the QuickJS sandbox', () => {
  let engine: QuickJSWASMModule;
  beforeAll(async () => {
    engine = await loadUserCodecEngine();
  });

  it("decodes with the tenant's decodeUplink(bytes, fPort) and encodes with encodeDownlink(object)", () => {
    const c = new UserCodec(engine, 'thermo', TEMPERATURE);
    expect(c.decode(new Uint8Array([0xff, 0x38, 87]), 5)).toEqual({ fPort: 5, temperatureC: -20, battery: 87 });
    expect([...c.encode({ interval: 600 })]).toEqual([2, 88]);
    c.dispose();
  });

  it('stops a codec that loops forever at its time limit with CODEC_TIMEOUT', () => {
    const c = new UserCodec(engine, 'spin', 'function decodeUplink() { for (;;) {} }', { timeMs: 50 });
    const t0 = Date.now();
    expect(codeOf(() => c.decode(new Uint8Array([1])))).toBe('CODEC_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(2000);
    c.dispose();
  });

  it('fails a codec that exhausts its memory limit with CODEC_FAILED and keeps working afterwards', () => {
    const c = new UserCodec(
      engine,
      'hog',
      `function decodeUplink(b) { if (b[0] === 1) { var s = "x"; for (;;) s = s + s; } return { ok: true }; }`,
      { memoryBytes: 8 * 1024 * 1024, timeMs: 2000 },
    );
    expect(codeOf(() => c.decode(new Uint8Array([1])))).toBe('CODEC_FAILED');
    expect(c.decode(new Uint8Array([0]))).toEqual({ ok: true });
    c.dispose();
  });

  it('reports a codec that throws, returns no object or cannot be compiled as CODEC_FAILED', () => {
    expect(codeOf(() => new UserCodec(engine, 'x', 'function decodeUplink( {'))).toBe('CODEC_FAILED');
    expect(codeOf(() => new UserCodec(engine, 'x', 'var decodeUplink = 3;'))).toBe('CODEC_FAILED');
    const thrower = new UserCodec(engine, 'x', 'function decodeUplink() { throw new Error("bad battery byte"); }');
    expect(() => thrower.decode(new Uint8Array([1]))).toThrow(/bad battery byte/);
    const arrays = new UserCodec(engine, 'x', 'function decodeUplink(b) { return b; }');
    expect(codeOf(() => arrays.decode(new Uint8Array([1])))).toBe('CODEC_FAILED');
    const nothing = new UserCodec(engine, 'x', 'function decodeUplink() { return undefined; }');
    expect(codeOf(() => nothing.decode(new Uint8Array([1])))).toBe('CODEC_FAILED');
    for (const c of [thrower, arrays, nothing]) c.dispose();
  });

  it('gives the script no Node, no require and no state carried from one message to the next', () => {
    const c = new UserCodec(
      engine,
      'probe',
      `var calls = 0;
      function decodeUplink() { calls++; return { calls: calls, process: typeof process, require: typeof require, fetch: typeof fetch }; }`,
    );
    expect(c.decode(new Uint8Array([]))).toEqual({
      calls: 1,
      process: 'undefined',
      require: 'undefined',
      fetch: 'undefined',
    });
    expect(c.decode(new Uint8Array([]))).toEqual({
      calls: 1,
      process: 'undefined',
      require: 'undefined',
      fetch: 'undefined',
    });
    c.dispose();
  });

  it('refuses a downlink encoder that returns anything but bytes', () => {
    const c = new UserCodec(
      engine,
      'x',
      'function decodeUplink() { return {}; } function encodeDownlink() { return [1, 256]; }',
    );
    expect(codeOf(() => c.encode({}))).toBe('CODEC_FAILED');
    const none = new UserCodec(engine, 'x', 'function decodeUplink() { return {}; }');
    expect(codeOf(() => none.encode({}))).toBe('CODEC_FAILED');
    c.dispose();
    none.dispose();
  });
});

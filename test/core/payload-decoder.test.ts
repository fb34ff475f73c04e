import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodecError, type PayloadCodec } from '../../src/codecs/codec.js';
import { collect, coreFixture, uplink, type CoreFixture } from '../support/core-fixture.js';

/** A codec whose rules the test knows: first byte level in cm, second a checksum of the first. */
const levelCodec: PayloadCodec = {
  name: 'level',
  description: 'test: level in cm with a check byte',
  decode(b) {
    if (b.length !== 2) throw new CodecError('CODEC_MALFORMED', `2 bytes expected, got ${b.length}`);
    if ((b[0]! ^ 0xff) !== b[1]) throw new CodecError('CODEC_CHECKSUM', 'check byte mismatch');
    return { values: { waterLevelM: b[0]! / 100 } };
  },
};
const brokenCodec: PayloadCodec = {
  name: 'broken',
  description: 'test: throws a TypeError',
  decode() {
    throw new TypeError('oops');
  },
};

describe('payload decoding after ingest', () => {
  let f: CoreFixture;
  beforeEach(async () => {
    f = await coreFixture({
      codecs: new Map([
        ['level', levelCodec],
        ['broken', brokenCodec],
      ]),
    });
  });
  afterEach(async () => {
    await f.close();
  });

  it("decodes each new message with its terminal's codec, stores the result with the message and publishes it", async () => {
    const t = await f.addTerminal({ codec: 'level' });
    const events = await collect(f.bus, 'satiot.decoded.>', 1, () =>
      f.core.pipeline.ingest(f.station, [uplink(t, 1, new Uint8Array([123, 123 ^ 0xff]))]),
    );
    expect(events[0]).toMatchObject({
      kind: 'decoded',
      messageId: `${t.id}.1`,
      devEui: t.devEui,
      codec: 'level',
      decoded: { values: { waterLevelM: 1.23 } },
      error: null,
    });
    const m = await f.store.messages.get(`${t.id}.1`);
    expect(m!.decode).toMatchObject({
      codec: 'level',
      decoded: { values: { waterLevelM: 1.23 } },
      error: null,
      decodedAt: f.clock.now(),
    });
  });

  it('records a payload the codec refuses as an error with its stable code, and ingest still accepts the frame', async () => {
    const t = await f.addTerminal({ codec: 'level' });
    let results: unknown;
    const events = await collect(f.bus, 'satiot.decoded.>', 2, async () => {
      results = await f.core.pipeline.ingest(f.station, [
        uplink(t, 1, new Uint8Array([1, 2])),
        uplink(t, 2, new Uint8Array([1, 2, 3])),
      ]);
    });
    expect(results).toMatchObject([{ status: 'accepted' }, { status: 'accepted' }]);
    expect(events.map((e) => (e['error'] as { code: string }).code).sort()).toEqual([
      'CODEC_CHECKSUM',
      'CODEC_MALFORMED',
    ]);
    expect((await f.store.messages.get(`${t.id}.2`))!.decode!.error).toEqual({
      code: 'CODEC_MALFORMED',
      message: '2 bytes expected, got 3',
    });
  });

  it('contains a codec that throws something other than CodecError as CODEC_FAILED', async () => {
    const t = await f.addTerminal({ codec: 'broken' });
    const [e] = await collect(f.bus, 'satiot.decoded.>', 1, () =>
      f.core.pipeline.ingest(f.station, [uplink(t, 1, new Uint8Array([1]))]),
    );
    expect(e!['error']).toEqual({ code: 'CODEC_FAILED', message: 'oops' });
  });

  it("runs a tenant's user codec in its sandbox, and a user codec that loops times out without stopping ingest", async () => {
    const good = await f.core.provisioning.createUserCodec({
      tenantId: f.tenantId,
      name: 'sum',
      script:
        'function decodeUplink(b, port) { var s = 0; for (var i = 0; i < b.length; i++) s += b[i]; return { sum: s, port: port }; }',
    });
    const spin = await f.core.provisioning.createUserCodec({
      tenantId: f.tenantId,
      name: 'spin',
      script: 'function decodeUplink() { for (;;) {} }',
    });
    const a = await f.addTerminal({ codec: `user:${good.id}` });
    const b = await f.addTerminal({ codec: `user:${spin.id}` });
    const events = await collect(f.bus, 'satiot.decoded.>', 2, async () => {
      await f.core.pipeline.ingest(f.station, [
        uplink(a, 1, new Uint8Array([1, 2, 3])),
        uplink(b, 1, new Uint8Array([9])),
      ]);
    });
    const byEui = new Map(events.map((e) => [e['devEui'], e]));
    expect(byEui.get(a.devEui)).toMatchObject({ decoded: { sum: 6, port: 7 }, error: null });
    expect(byEui.get(b.devEui)).toMatchObject({ decoded: null, error: { code: 'CODEC_TIMEOUT' } });
  });

  it('leaves messages of terminals without a codec undecoded', async () => {
    const t = await f.addTerminal();
    const withCodec = await f.addTerminal({ codec: 'level' });
    await collect(f.bus, 'satiot.decoded.>', 1, () =>
      f.core.pipeline.ingest(f.station, [
        uplink(t, 1, new Uint8Array([5])),
        uplink(withCodec, 1, new Uint8Array([5, 5 ^ 0xff])),
      ]),
    );
    expect((await f.store.messages.get(`${t.id}.1`))!.decode).toBeUndefined();
  });

  it("refuses a terminal naming an unknown codec or another tenant's user codec, and a user codec that defines no decodeUplink", async () => {
    await expect(f.addTerminal({ codec: 'nope' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const other = await f.core.provisioning.createTenant('other');
    const theirs = await f.core.provisioning.createUserCodec({
      tenantId: other.id,
      name: 'x',
      script: 'function decodeUplink() { return {}; }',
    });
    await expect(f.addTerminal({ codec: `user:${theirs.id}` })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      f.core.provisioning.createUserCodec({ tenantId: f.tenantId, name: 'y', script: 'var x = 1;' }),
    ).rejects.toMatchObject({ code: 'CODEC_FAILED' });
  });
});

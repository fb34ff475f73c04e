/**
 * The worked examples of docs/solutions.md, run through the real pipeline: a sample frame of each
 * industry protocol, inside an encrypted LoRaWAN uplink, posted by a ground station → ingest →
 * decoded by the built-in codec → the solution preset's rule → an alarm.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/codecs/codec.js';
import { solutionRules, type SolutionName, type SolutionParams } from '../../src/solutions/index.js';
import { collect, coreFixture, uplink, T0, type CoreFixture } from '../support/core-fixture.js';

interface Example {
  readonly solution: SolutionName;
  readonly codec: string;
  readonly params: SolutionParams;
  readonly source: string;
  readonly hex: string;
  /** Decoded values the example shows (a subset of the codec's output). */
  readonly decoded: Record<string, unknown>;
  readonly alarm: { readonly rule: string; readonly severity: string };
}

const EXAMPLES: readonly Example[] = [
  {
    solution: 'water',
    codec: 'sl651',
    params: { warningLevelM: 10, guaranteedLevelM: 12 },
    // SL 651-2014 timed report (function 0x32) of station 0011223344, published at
    // toymoban.com/news/detail-686475.html: river level 10.49 m, rain 4 mm.
    source: 'toymoban.com/news/detail-686475.html',
    hex: '7E7E05001122334403E832002B020034170718110016F1F1001122334448F0F01707181100201900004026190000403923000104903812109903A421',
    decoded: { values: expect.objectContaining({ waterLevelM: 10.49 }) },
    alarm: { rule: 'Water level above the warning line', severity: 'warning' },
  },
  {
    solution: 'logistics',
    codec: 'jt808',
    params: { maxSpeedKmh: 100 },
    // JT/T 808-2013 location report with the emergency alarm bit set (alarm flags 0x00000001),
    // from SmallChi/JT808 src/JT808.Protocol.Test/MessageBody/JT808_0x0200Test.cs.
    source: 'SmallChi/JT808 src/JT808.Protocol.Test/MessageBody/JT808_0x0200Test.cs',
    hex: '7E0200002611223344556622B8000000010000000200BA7F0E07E4F11C0028003C000018071510101001040000006402020037577E',
    decoded: {
      type: 'location',
      alarm: expect.objectContaining({ emergency: true }),
      position: expect.objectContaining({ lat: 12.222222, lon: 132.444444 }),
    },
    alarm: { rule: 'Emergency button pressed', severity: 'emergency' },
  },
  {
    solution: 'power',
    codec: 'line-monitor',
    params: { iceThicknessMm: 10 },
    // A self-made I1 icing frame (no published I1 frame exists): equivalent ice 12.5 mm.
    source: 'self-made (see test/codecs/fixtures/line-monitor-self-made.ts)',
    hex: 'a55a3a00534154494f542d4c4d2d30303030303031012281534154494f542d4c494e452d303030343208eda4650000484100126f4633134d44029a11ef45000050400000c0bf6612ef45000030400000003f096696',
    decoded: { type: 'icing', values: expect.objectContaining({ iceThicknessMm: 12.5 }) },
    alarm: { rule: 'Line icing above limit', severity: 'critical' },
  },
];

describe('solution presets, worked examples through the real ingest pipeline', () => {
  let f: CoreFixture;
  beforeEach(async () => {
    f = await coreFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  for (const ex of EXAMPLES) {
    it(`${ex.solution}: a ${ex.codec} frame decodes and raises "${ex.alarm.rule}"`, async () => {
      for (const r of solutionRules(
        ex.solution,
        f.tenantId,
        ex.params,
        () => `${ex.solution}-${Math.random().toString(36).slice(2)}`,
      ))
        await f.store.rules.save(r, T0);
      const t = await f.addTerminal({ codec: ex.codec });
      const captured = T0 - 2 * 3_600_000;
      const [alarm] = await collect(f.bus, 'satiot.alarm.>', 1, async () => {
        const [r] = await f.core.pipeline.ingest(f.station, [uplink(t, 1, fromHex(ex.hex), { capturedAt: captured })]);
        expect(r!.status).toBe('accepted');
      });
      const m = await f.store.messages.get(`${t.id}.1`);
      expect(m!.decode).toMatchObject({ codec: ex.codec, error: null, decoded: ex.decoded });
      const rule = (await f.store.rules.list(f.tenantId)).find((r) => r.name === ex.alarm.rule)!;
      expect(alarm).toMatchObject({
        action: 'raised',
        alarm: { ruleId: rule.id, devEui: t.devEui, severity: ex.alarm.severity, raisedAt: captured },
      });
    });
  }

  it('keeps docs/solutions.md showing the same sample frames', () => {
    const doc = readFileSync(new URL('../../docs/solutions.md', import.meta.url), 'utf8').replace(/\s+/g, '');
    for (const ex of EXAMPLES) expect(doc.toLowerCase()).toContain(ex.hex.toLowerCase());
  });
});

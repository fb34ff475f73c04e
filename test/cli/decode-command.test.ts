import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

// Published frames (sources in test/codecs/fixtures/*-published.ts and docs/solutions.md).
const SL651 =
  '7E7E05001122334403E832002B020034170718110016F1F1001122334448F0F01707181100201900004026190000403923000104903812109903A421';
const JT808 =
  '7E0200002611223344556622B8000000010000000200BA7F0E07E4F11C0028003C000018071510101001040000006402020037577E';
const DLT645 = '68610100000000689108333334335933333 38A16'.replace(/\s/g, '');

describe('satiot decode', () => {
  it('prints the decoded JSON of a published SL 651, JT/T 808 and DL/T 645 frame', async () => {
    const w = await runCli(['decode', '--codec', 'sl651', '--hex', SL651]);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout).values).toMatchObject({ waterLevelM: 10.49 });
    const v = await runCli(['decode', '--codec', 'jt808', '--hex', JT808, '--compact']);
    expect(v.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(v.stdout)).toMatchObject({
      type: 'location',
      speedKmh: 6,
      position: { lat: 12.222222, lon: 132.444444 },
    });
    const m = await runCli(['decode', '--codec', 'dlt645', '--hex', DLT645]);
    expect(JSON.parse(m.stdout)).toMatchObject({ di: '00010000', value: 0.26, unit: 'kWh' });
  });

  it("exits 3 with the codec's stable code on a frame whose check fails, and 2 on bad arguments", async () => {
    const broken = `${JT808.slice(0, -4)}00${JT808.slice(-2)}`;
    const r = await runCli(['decode', '--codec', 'jt808', '--hex', broken]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error CODEC_CHECKSUM: /);
    expect((await runCli(['decode', '--codec', 'nope', '--hex', '00'])).stderr).toMatch(
      /^error CODEC_UNKNOWN: .*jt808/,
    );
    const odd = await runCli(['decode', '--codec', 'jt808', '--hex', '7e0']);
    expect([odd.code, odd.stderr]).toEqual([2, expect.stringMatching(/^error INVALID_ARGUMENT: /)]);
    expect((await runCli(['decode', '--hex', '00'])).code).toBe(2);
  });

  it('runs a codec script in the sandbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satiot-codec-'));
    const file = join(dir, 'thermo.js');
    writeFileSync(
      file,
      'function decodeUplink(b, port) { return { temperatureC: (b[0] << 8 | b[1]) / 10, port: port }; }',
    );
    const r = await runCli(['decode', '--script', file, '--hex', '00fa', '--fport', '2']);
    expect(JSON.parse(r.stdout)).toEqual({ temperatureC: 25, port: 2 });
    writeFileSync(file, 'function decodeUplink() { while (true) {} }');
    const t = await runCli(['decode', '--script', file, '--hex', '00']);
    expect([t.code, t.stderr]).toEqual([3, expect.stringMatching(/^error CODEC_TIMEOUT: /)]);
  });
});

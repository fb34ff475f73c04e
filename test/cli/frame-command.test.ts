import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { parseDataFrame, verifyMic, decryptPayload } from '../../src/frame/index.js';

const NWK = '2b7e151628aed2a6abf7158809cf4f3c',
  APP = '000102030405060708090a0b0c0d0e0f';

describe('satiot frame', () => {
  for (const suite of ['aes128', 'sm4'] as const) {
    it(`builds an ${suite} uplink that the frame layer verifies and decrypts, and decodes it back`, async () => {
      const b = await runCli([
        'frame',
        'build',
        '--dev-addr',
        '26011bda',
        '--nwk-s-key',
        NWK,
        '--app-s-key',
        APP,
        '--fcnt',
        '70000',
        '--port',
        '10',
        '--payload',
        'cafe01',
        '--suite',
        suite,
      ]);
      expect(b.code).toBe(0);
      const { phyPayload, hex } = JSON.parse(b.stdout) as { phyPayload: string; hex: string };
      expect(Buffer.from(phyPayload, 'base64').toString('hex')).toBe(hex);
      const keys = { suite, nwkSKey: Buffer.from(NWK, 'hex'), appSKey: Buffer.from(APP, 'hex') };
      const f = parseDataFrame(Buffer.from(hex, 'hex'));
      expect(verifyMic(f, 70000, keys)).toBe(true);
      expect(Buffer.from(decryptPayload(f, 70000, keys)).toString('hex')).toBe('cafe01');
      const d = await runCli([
        'frame',
        'decode',
        '--phy',
        phyPayload,
        '--nwk-s-key',
        NWK,
        '--app-s-key',
        APP,
        '--suite',
        suite,
        '--fcnt-top',
        '69990',
      ]);
      expect(d.code).toBe(0);
      expect(JSON.parse(d.stdout)).toMatchObject({
        devAddr: '26011bda',
        fCnt: 70000,
        fPort: 10,
        micValid: true,
        payload: 'cafe01',
      });
    });
  }

  it('reports a wrong key as micValid false and a broken frame with MALFORMED_FRAME', async () => {
    const b = JSON.parse(
      (
        await runCli([
          'frame',
          'build',
          '--dev-addr',
          '26011bda',
          '--nwk-s-key',
          NWK,
          '--app-s-key',
          APP,
          '--fcnt',
          '1',
        ])
      ).stdout,
    ) as { hex: string };
    const d = await runCli(['frame', 'decode', '--phy', b.hex, '--nwk-s-key', APP, '--app-s-key', APP]);
    expect(JSON.parse(d.stdout).micValid).toBe(false);
    const bad = await runCli(['frame', 'decode', '--phy', '400102']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error MALFORMED_FRAME: /);
    const badKey = await runCli([
      'frame',
      'build',
      '--dev-addr',
      '26011bda',
      '--nwk-s-key',
      'xyz',
      '--app-s-key',
      APP,
      '--fcnt',
      '1',
    ]);
    expect(badKey.stderr).toMatch(/^error INVALID_ARGUMENT: --nwk-s-key/);
  });
});

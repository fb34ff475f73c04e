/**
 * docs/protocol.md's worked example is generated (protocol-example.ts) and checked here, so the doc
 * cannot drift from the code; the example's values are also checked against independent
 * implementations (lora-packet for aes128, OpenSSL's CMAC for sm4).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_FIELDS, exampleKeys, suiteExample, workedExampleMarkdown } from './protocol-example.js';
import { fCntMsBytes, hex, loraPacket, toHex } from './helpers.js';

const DOC = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));
const BEGIN = '<!-- worked-example:begin -->';
const END = '<!-- worked-example:end -->';
const hasOpenSsl = spawnSync('openssl', ['version']).status === 0;

describe('docs/protocol.md worked example', () => {
  it('is exactly what the code computes (regenerate with `npx tsx test/frame/protocol-example.ts`)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const from = doc.indexOf(BEGIN);
    const to = doc.indexOf(END);
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    expect(doc.slice(from + BEGIN.length, to).trim()).toBe(workedExampleMarkdown().trim());
  });

  for (const suite of ['aes128', 'sm4'] as const) {
    it(`follows the documented construction for ${suite}: FRMPayload = plaintext XOR S, MIC = CMAC[0..4], PHYPayload = msg | MIC`, () => {
      const e = suiteExample(suite);
      const plain = EXAMPLE_FIELDS.payload;
      const s = hex(e.keystream);
      expect(e.frmPayload).toBe(toHex(plain.map((p, i) => p ^ s[i]!)));
      expect(e.mic).toBe(e.cmac.slice(0, 8));
      expect(e.phy).toBe(e.micInput + e.mic);
      expect(e.micInput.endsWith(e.frmPayload)).toBe(true);
    });
  }

  it('has an aes128 PHYPayload that lora-packet verifies and decrypts', () => {
    const e = suiteExample('aes128');
    const keys = exampleKeys('aes128');
    const p = loraPacket.fromWire(Buffer.from(e.phy, 'hex'));
    const msb = fCntMsBytes(EXAMPLE_FIELDS.fCnt32);
    expect(loraPacket.verifyMIC(p, Buffer.from(keys.nwkSKey), undefined, msb)).toBe(true);
    expect(loraPacket.decrypt(p, Buffer.from(keys.appSKey), Buffer.from(keys.nwkSKey), msb).toString()).toBe(
      'satiot frame v1 demo',
    );
  });

  it.skipIf(!hasOpenSsl)('has an sm4 CMAC that OpenSSL computes the same over B0 | msg', () => {
    const e = suiteExample('sm4');
    const r = spawnSync(
      'openssl',
      ['mac', '-cipher', 'SM4-CBC', '-macopt', `hexkey:${toHex(exampleKeys('sm4').nwkSKey)}`, 'CMAC'],
      {
        input: Buffer.from(e.b0 + e.micInput, 'hex'),
        encoding: 'utf8',
      },
    );
    expect(r.stdout.trim().toLowerCase()).toBe(e.cmac);
  });
});

/**
 * The worked example of docs/protocol.md, computed with src/frame. protocol-doc.test.ts asserts that
 * the doc holds exactly this text between its markers; to refresh the doc after a deliberate change,
 * print it with
 *
 *   npx tsx test/frame/protocol-example.ts
 *
 * and paste it between `<!-- worked-example:begin -->` and `<!-- worked-example:end -->`.
 */
import { pathToFileURL } from 'node:url';
import { buildDataFrame, parseDataFrame, type DataFrameFields } from '../../src/frame/lorawan-frame.js';
import { createBlockCipher, type CryptoSuite, type SessionKeys } from '../../src/frame/crypto-suite.js';

export const EXAMPLE_NWK_S_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
export const EXAMPLE_APP_S_KEY = '0123456789abcdeffedcba9876543210';
export const EXAMPLE_PLAINTEXT = 'satiot frame v1 demo';

export const EXAMPLE_FIELDS: DataFrameFields = {
  mtype: 'unconfirmed-data-up',
  devAddr: '26011bda',
  fCnt32: 0x0001_0002,
  fPort: 10,
  payload: new TextEncoder().encode(EXAMPLE_PLAINTEXT),
  fOpts: Uint8Array.of(0x02),
  adr: true,
};

export function exampleKeys(suite: CryptoSuite): SessionKeys {
  return {
    suite,
    nwkSKey: Uint8Array.from(Buffer.from(EXAMPLE_NWK_S_KEY, 'hex')),
    appSKey: Uint8Array.from(Buffer.from(EXAMPLE_APP_S_KEY, 'hex')),
  };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

function spaced(h: string, group = 2): string {
  return h.match(new RegExp(`.{1,${group}}`, 'g'))!.join(' ');
}

export interface SuiteExample {
  suite: CryptoSuite;
  phy: string;
  micInput: string;
  b0: string;
  k1: string;
  k2: string;
  cmac: string;
  mic: string;
  a: string[];
  keystream: string;
  frmPayload: string;
}

/** Every intermediate value of the example under one suite, by the documented construction. */
export function suiteExample(suite: CryptoSuite): SuiteExample {
  const keys = exampleKeys(suite);
  const f = EXAMPLE_FIELDS;
  const phy = buildDataFrame(f, keys);
  const frame = parseDataFrame(phy);
  const addrLE = Buffer.from(f.devAddr, 'hex').reverse();
  const cntLE = Buffer.alloc(4);
  cntLE.writeUInt32LE(f.fCnt32);
  const block = (first: number, last: number): Uint8Array =>
    Uint8Array.from([first, 0, 0, 0, 0, 0 /* Dir up */, ...addrLE, ...cntLE, 0, last]);
  const b0 = block(0x49, frame.micInput.length);
  const nwk = createBlockCipher(suite, keys.nwkSKey, 'ecb-chain');
  const tag = nwk.cmac.tag(Uint8Array.from([...b0, ...frame.micInput]));
  const blocks = Math.ceil(f.payload.length / 16);
  const a = Array.from({ length: blocks }, (_, i) => block(0x01, i + 1));
  const s = createBlockCipher(suite, keys.appSKey).encryptBlocks(Uint8Array.from(a.flatMap((x) => [...x])));
  return {
    suite,
    phy: hex(phy),
    micInput: hex(frame.micInput),
    b0: hex(b0),
    k1: hex(nwk.cmac.k1),
    k2: hex(nwk.cmac.k2),
    cmac: hex(tag),
    mic: hex(frame.mic),
    a: a.map(hex),
    keystream: hex(s.subarray(0, f.payload.length)),
    frmPayload: hex(frame.frmPayload),
  };
}

/** The markdown of the worked example, exactly as in docs/protocol.md. */
export function workedExampleMarkdown(): string {
  const f = EXAMPLE_FIELDS;
  const phy = buildDataFrame(f, exampleKeys('aes128'));
  const byte = (i: number): string => phy[i]!.toString(16).padStart(2, '0');
  const lines: string[] = [
    'Inputs (both suites):',
    '',
    '| field | value |',
    '|---|---|',
    `| NwkSKey | \`${EXAMPLE_NWK_S_KEY}\` |`,
    `| AppSKey | \`${EXAMPLE_APP_S_KEY}\` |`,
    `| MType | ${f.mtype} (MHDR \`${byte(0)}\`), Major 0 |`,
    `| DevAddr | \`${f.devAddr}\` (on air \`${hex(Buffer.from(f.devAddr, 'hex').reverse())}\`) |`,
    `| FCtrl | ADR = ${f.adr ? 1 : 0}, FOptsLen = ${f.fOpts!.length} (\`${byte(5)}\`) |`,
    `| FCnt32 | ${f.fCnt32} = 0x${f.fCnt32.toString(16).padStart(8, '0')} (on air FCnt = \`${spaced(Buffer.from([f.fCnt32 & 0xff, (f.fCnt32 >>> 8) & 0xff]).toString('hex'))}\`) |`,
    `| FOpts | \`${hex(f.fOpts!)}\` (LinkCheckReq) |`,
    `| FPort | ${f.fPort} (payload under AppSKey) |`,
    `| plaintext | "${EXAMPLE_PLAINTEXT}" = \`${hex(f.payload)}\` (${f.payload.length} bytes) |`,
    '',
  ];
  for (const suite of ['aes128', 'sm4'] as const) {
    const e = suiteExample(suite);
    lines.push(
      `**${suite}**`,
      '',
      '```text',
      ...e.a.map((ai, i) => `A_${i + 1}         ${spaced(ai)}`),
      `S           ${spaced(e.keystream)}`,
      `FRMPayload  ${spaced(e.frmPayload)}`,
      `B0          ${spaced(e.b0)}`,
      `msg         ${spaced(e.micInput)}`,
      `K1          ${spaced(e.k1)}`,
      `K2          ${spaced(e.k2)}`,
      `CMAC        ${spaced(e.cmac)}`,
      `MIC         ${spaced(e.mic)}`,
      `PHYPayload  ${e.phy}`,
      '```',
      '',
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(workedExampleMarkdown());

/**
 * docs/webhooks.md shows receivers how to verify a delivery in Node and in Python; both snippets
 * are run here, as written, against signatures made by src/core/delivery/signature.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../../src/core/delivery/signature.js';

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/webhooks.md', import.meta.url)), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'satiot-webhooks-doc-'));
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** The first fenced block of `lang` that contains `marker`. */
function snippet(lang: string, marker: string): string {
  const blocks = [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  const found = blocks.find((b) => b.includes(marker));
  if (!found) throw new Error(`docs/webhooks.md has no ${lang} block with ${marker}`);
  return found;
}

const SECRET = 'whsec_doc_example';
const NOW = 1767225600;
const BODY = '{"kind":"uplink","messageId":"t.1","payload":"AQI="}';
/** [timestamp, signature header, body, expected verdict] */
const CASES: Array<[number, string, string, boolean]> = [
  [NOW, signatureOf(SECRET, NOW, BODY), BODY, true],
  [NOW - 299, signatureOf(SECRET, NOW - 299, BODY), BODY, true],
  [NOW, `v1=${'0'.repeat(64)},${signatureOf(SECRET, NOW, BODY)}`, BODY, true],
  [NOW, signatureOf(SECRET, NOW, BODY), BODY.replace('t.1', 't.2'), false],
  [NOW, signatureOf('whsec_other', NOW, BODY), BODY, false],
  [NOW - 301, signatureOf(SECRET, NOW - 301, BODY), BODY, false],
  [NOW + 301, signatureOf(SECRET, NOW + 301, BODY), BODY, false],
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/webhooks.md verification snippets', () => {
  it('the Node snippet accepts authentic fresh deliveries and rejects changed, foreign and stale ones', () => {
    writeFileSync(join(dir, 'verify.mjs'), snippet('js', 'verifySatiot'));
    writeFileSync(
      join(dir, 'run.mjs'),
      `
      import { verifySatiot } from './verify.mjs';
      const cases = JSON.parse(process.argv[2]);
      console.log(JSON.stringify(cases.map(([ts, sig, body]) =>
        verifySatiot(${JSON.stringify(SECRET)}, { 'x-satiot-timestamp': String(ts), 'x-satiot-signature': sig }, Buffer.from(body), ${NOW}))));
    `,
    );
    const r = spawnSync(process.execPath, [join(dir, 'run.mjs'), JSON.stringify(CASES)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(CASES.map((c) => c[3]));
  });

  it.skipIf(!hasPython)(
    hasPython ? 'the Python snippet gives the same verdicts' : 'the Python snippet: python3 not found, skipped',
    () => {
      writeFileSync(
        join(dir, 'verify.py'),
        `${snippet('python', 'verify_satiot')}
import json, sys
cases = json.loads(sys.argv[1])
print(json.dumps([verify_satiot(${JSON.stringify(SECRET)}, {"x-satiot-timestamp": str(ts), "x-satiot-signature": sig}, body.encode(), ${NOW}) for ts, sig, body, _ in cases]))
`,
      );
      const r = spawnSync('python3', [join(dir, 'verify.py'), JSON.stringify(CASES)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(CASES.map((c) => c[3]));
    },
  );
});

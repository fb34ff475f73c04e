import type { Command } from 'commander';
import {
  buildDataFrame,
  decryptPayload,
  parseDataFrame,
  rebuildFCnt32,
  verifyMic,
  CRYPTO_SUITES,
  type SessionKeys,
} from '../../frame/index.js';
import { parseChoice, parseInteger } from '../options.js';
import { runAction } from '../run-action.js';
import { SatiotError } from '../../errors/satiot-error.js';

interface KeyFlags {
  nwkSKey: string;
  appSKey: string;
  suite: string;
}

function keysOf(o: KeyFlags): SessionKeys {
  for (const [flag, v] of [
    ['--nwk-s-key', o.nwkSKey],
    ['--app-s-key', o.appSKey],
  ] as const) {
    if (!/^[0-9a-fA-F]{32}$/.test(v)) throw new SatiotError('INVALID_ARGUMENT', `${flag} must be 32 hex digits`);
  }
  return {
    suite: parseChoice(o.suite, '--suite', CRYPTO_SUITES),
    nwkSKey: Buffer.from(o.nwkSKey, 'hex'),
    appSKey: Buffer.from(o.appSKey, 'hex'),
  };
}

function hexBytes(s: string, flag: string): Buffer {
  const clean = s.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new SatiotError('INVALID_ARGUMENT', `${flag} must be hex bytes`);
  return Buffer.from(clean, 'hex');
}

/**
 * `satiot frame build|decode`: make and read air frames by hand (testing a station or a terminal).
 * A bad frame is a FrameError, which runAction prints and exits with as any SatiotError.
 */
export function registerFrame(program: Command): void {
  const frame = program
    .command('frame')
    .description('Build and decode LoRaWAN 1.0.x data frames (aes128 or sm4 suite)');
  frame
    .command('build')
    .description('Build an encrypted, signed uplink and print its PHYPayload (base64 and hex)')
    .requiredOption('--dev-addr <hex8>')
    .requiredOption('--nwk-s-key <hex32>')
    .requiredOption('--app-s-key <hex32>')
    .requiredOption('--fcnt <n>', '32-bit uplink counter (its low 16 bits go on air)')
    .option('--port <n>', 'FPort (1..223 for application data)', '1')
    .option('--payload <hex>', 'plaintext payload, hex', '')
    .option('--suite <aes128|sm4>', 'crypto suite', 'aes128')
    .option('--confirmed', 'confirmed data up')
    .action(
      runAction(
        (o: KeyFlags & { devAddr: string; fcnt: string; port: string; payload: string; confirmed?: boolean }) => {
          const phy = buildDataFrame(
            {
              mtype: o.confirmed ? 'confirmed-data-up' : 'unconfirmed-data-up',
              devAddr: o.devAddr.toLowerCase(),
              fCnt32: parseInteger(o.fcnt, '--fcnt', 0, 0xffff_ffff),
              fPort: parseInteger(o.port, '--port', 0, 255),
              payload: hexBytes(o.payload, '--payload'),
            },
            keysOf(o),
          );
          process.stdout.write(
            JSON.stringify({ phyPayload: Buffer.from(phy).toString('base64'), hex: Buffer.from(phy).toString('hex') }) +
              '\n',
          );
        },
      ),
    );
  frame
    .command('decode')
    .description('Parse a PHYPayload; with keys, verify its MIC and decrypt it')
    .requiredOption('--phy <base64|hex>', 'the frame, base64 or hex')
    .option('--nwk-s-key <hex32>')
    .option('--app-s-key <hex32>')
    .option('--suite <aes128|sm4>', 'crypto suite', 'aes128')
    .option('--fcnt-top <n>', 'highest counter seen so far, to rebuild the 32-bit counter', '-1')
    .action(
      runAction((o: Partial<KeyFlags> & { suite: string; phy: string; fcntTop: string }) => {
        const bytes = /^([0-9a-fA-F]{2})+$/.test(o.phy) ? Buffer.from(o.phy, 'hex') : Buffer.from(o.phy, 'base64');
        const f = parseDataFrame(bytes);
        const out: Record<string, unknown> = {
          mtype: f.mtype,
          devAddr: f.devAddr,
          fCnt16: f.fCnt16,
          fPort: f.fPort,
          adr: f.adr,
          ack: f.ack,
          fOpts: Buffer.from(f.fOpts).toString('hex'),
          frmPayload: Buffer.from(f.frmPayload).toString('hex'),
          mic: Buffer.from(f.mic).toString('hex'),
        };
        if (o.nwkSKey && o.appSKey) {
          const keys = keysOf({ nwkSKey: o.nwkSKey, appSKey: o.appSKey, suite: o.suite });
          const fCnt = rebuildFCnt32(f.fCnt16, parseInteger(o.fcntTop, '--fcnt-top', -1, 0xffff_ffff));
          out.fCnt = fCnt;
          out.micValid = verifyMic(f, fCnt, keys);
          if (out.micValid) out.payload = Buffer.from(decryptPayload(f, fCnt, keys)).toString('hex');
        }
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      }),
    );
}

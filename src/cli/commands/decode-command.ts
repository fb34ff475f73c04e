import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BUILTIN_CODEC_NAMES } from '../../codecs/builtin-codec-names.js';
import { fromHex, isCodecError, type PayloadCodec } from '../../codecs/codec.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { parseInteger } from '../options.js';
import { runAction } from '../run-action.js';

interface DecodeFlags {
  codec?: string;
  script?: string;
  hex?: string;
  base64?: string;
  fport?: string;
  compact?: boolean;
  timeoutMs: string;
}

/** `satiot decode`: one payload through a built-in codec or a user codec script, printed as JSON. */
export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description(
      'Decode one device payload (JT/T 808, SL 651, line monitoring, DL/T 645, or your own codec script) ' +
        'and print it as JSON',
    )
    .option('--codec <name>', `built-in codec: ${BUILTIN_CODEC_NAMES.join(', ')}`)
    .option('--script <file>', 'a user codec: JavaScript defining decodeUplink(bytes, fPort), run in the sandbox')
    .option('--hex <hex>', 'the payload as hex (spaces allowed)')
    .option('--base64 <b64>', 'the payload as base64')
    .option('--fport <n>', 'LoRaWAN FPort handed to the codec')
    .option('--timeout-ms <ms>', 'time limit of a user codec', '100')
    .option('--compact', 'one line of JSON instead of indented')
    .addHelpText(
      'after',
      `
Examples:
  satiot decode --codec jt808 --hex 7E0200001C...7E
  satiot decode --codec sl651 --hex "7E7E 01 0012345678 1234 32 ..."
  satiot decode --script ./my-codec.js --hex 01f4 --fport 2

Exit codes: 0 decoded; 2 bad arguments (CODEC_UNKNOWN, INVALID_ARGUMENT); 3 the payload did not
decode (CODEC_MALFORMED, CODEC_CHECKSUM, CODEC_UNSUPPORTED, CODEC_TIMEOUT, CODEC_FAILED).`,
    )
    .action(
      runAction(async (o: DecodeFlags) => {
        if ((o.codec === undefined) === (o.script === undefined))
          throw new SatiotError('INVALID_ARGUMENT', 'give exactly one of --codec NAME and --script FILE');
        if ((o.hex === undefined) === (o.base64 === undefined))
          throw new SatiotError('INVALID_ARGUMENT', 'give exactly one of --hex and --base64');
        const bytes = o.hex !== undefined ? payloadFromHex(o.hex) : new Uint8Array(Buffer.from(o.base64!, 'base64'));
        const fPort = o.fport === undefined ? null : parseInteger(o.fport, '--fport', 0, 255);
        const codec = await codecOf(o);
        try {
          const decoded = codec.decode(bytes, fPort);
          process.stdout.write(`${JSON.stringify(decoded, null, o.compact ? undefined : 2)}\n`);
        } catch (e) {
          // Not a plain re-wrap: the CLI's message names the byte where decoding stopped.
          if (isCodecError(e) && e.offset !== undefined)
            throw new SatiotError(e.code, `${e.message} (at byte ${e.offset})`, e.details);
          throw e;
        }
      }),
    );
}

function payloadFromHex(hex: string): Uint8Array {
  try {
    return fromHex(hex);
  } catch {
    throw new SatiotError(
      'INVALID_ARGUMENT',
      '--hex must be hex bytes (an even number of 0-9/a-f digits; spaces are allowed)',
    );
  }
}

async function codecOf(o: DecodeFlags): Promise<PayloadCodec> {
  if (o.codec !== undefined) {
    const { BUILTIN_CODECS } = await import('../../codecs/builtin-codecs.js');
    const c = BUILTIN_CODECS.get(o.codec);
    if (!c)
      throw new SatiotError('CODEC_UNKNOWN', `no codec ${o.codec}; built-in codecs: ${BUILTIN_CODEC_NAMES.join(', ')}`);
    return c;
  }
  let script: string;
  try {
    script = readFileSync(o.script!, 'utf8');
  } catch (e) {
    throw new SatiotError('FILE_NOT_READABLE', `cannot read ${o.script}: ${(e as Error).message}`);
  }
  const { loadUserCodecEngine, UserCodec } = await import('../../codecs/user/user-codec.js');
  // A script that cannot run is a CodecError (CODEC_FAILED), printed by runAction as it is.
  return new UserCodec(await loadUserCodecEngine(), o.script!, script, {
    timeMs: parseInteger(o.timeoutMs, '--timeout-ms', 1, 60_000),
  });
}

import { CodecError } from '../codec.js';
import { REPLIED_CODES } from './function-codes.js';
import { encodeSl651Report } from './report-encoder.js';
import type { Sl651Message, Sl651Mode } from './types.js';

/** The uplink fields a reply echoes (a decoded Sl651Message has them all). */
export interface Sl651ReplyTarget {
  mode?: Sl651Mode;
  centre: number;
  station: string;
  password: string;
  functionCode: number;
  /** Absent only in a later packet of a multi-packet transfer, which cannot be confirmed this way. */
  serial?: number;
}

/**
 * The centre's confirmation of a report: downlink (station address first, direction nibble 8), the same
 * function code, length 8, the uplink's serial echoed, the centre's clock `sentAt` (ISO, sent as Beijing
 * BCD YYMMDDhhmmss), and ESC (stay online, the default) or EOT (hang up). Matches the published replies
 * (toymoban S1/S2, comger/sl651 testdata.csv).
 */
export function buildSl651Reply(uplink: Sl651ReplyTarget, sentAt: string, endChar: 'ESC' | 'EOT' = 'ESC'): Uint8Array {
  if (uplink.serial === undefined)
    throw new CodecError(
      'CODEC_MALFORMED',
      'cannot reply: the uplink has no serial (a later packet of a multi-packet transfer)',
    );
  return encodeSl651Report({
    mode: uplink.mode ?? 'hex',
    direction: 'down',
    centre: uplink.centre,
    station: uplink.station,
    password: uplink.password,
    functionCode: uplink.functionCode,
    serial: uplink.serial,
    sentAt,
    endChar,
  });
}

/** Whether the centre should confirm this frame: a whole (or first-only) report uplink; never a link keep. */
export function sl651ExpectsReply(msg: Pick<Sl651Message, 'direction' | 'functionCode' | 'serial'>): boolean {
  return msg.direction === 'up' && REPLIED_CODES.has(msg.functionCode) && msg.serial !== undefined;
}

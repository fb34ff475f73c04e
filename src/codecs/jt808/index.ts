import type { PayloadCodec } from '../codec.js';
import { decodeJt808 } from './decode.js';

/**
 * JT/T 808-2013/2019 (Chinese road-transport vehicle terminals): `satiot decode --codec jt808`.
 * decode takes one whole frame, 7E to 7E; fPort is not used.
 */
export const jt808Codec: PayloadCodec = {
  name: 'jt808',
  description:
    'JT/T 808-2011/2013/2019 vehicle terminal frames (7E-framed, XOR-checked): location report, ' +
    'registration, authentication, heartbeat, logout, general and registration replies',
  decode: (bytes) => decodeJt808(bytes),
};

export { decodeJt808 } from './decode.js';
export {
  encodeJt808Frame,
  encodeLocationReport,
  encodePlatformReply,
  encodeRegistrationReply,
  encodeTerminalReply,
  encodeRegistration,
  encodeAuthentication,
  encodeHeartbeat,
  encodeLogout,
  MAX_BODY_LENGTH,
  type FrameFields,
} from './message-encoders.js';
export { frame, unframe, escapeBytes, unescapeBytes, xorCheck } from './framing.js';
export {
  decodeHeader,
  encodeHeader,
  headerLength,
  type Jt808Header,
  type Jt808Version,
  type PacketInfo,
  type HeaderInput,
} from './header.js';
export {
  decodeLocationBody,
  encodeLocationBody,
  LOCATION_BASIC_LENGTH,
  type LocationReport,
  type LocationInput,
  type Position,
} from './location.js';
export {
  decodeLocationItems,
  encodeLocationItems,
  type LocationItems,
  type LocationItemsInput,
  type RawItem,
} from './location-items.js';
export { decodeAlarm, decodeStatus, encodeAlarm, encodeStatus, LOAD_STATES, type LoadState } from './location-flags.js';
export type { FlagInput, FlagObject } from './flags.js';
export {
  decodeRegistrationBody,
  encodeRegistrationBody,
  type Registration,
  type RegistrationInput,
  type RegistrationLayout,
} from './registration.js';
export {
  decodeAuthenticationBody,
  encodeAuthenticationBody,
  type Authentication,
  type AuthenticationInput,
} from './authentication.js';
export {
  decodeGeneralReplyBody,
  encodeGeneralReplyBody,
  type GeneralReply,
  type GeneralReplyInput,
} from './general-reply.js';
export {
  decodeRegistrationReplyBody,
  encodeRegistrationReplyBody,
  type RegistrationReply,
  type RegistrationReplyInput,
} from './registration-reply.js';
export { decodeBcdTime, encodeBcdTime } from './bcd-time.js';
export { decodeGbk, encodeGbk } from './gbk.js';
export { MESSAGE_IDS, type Jt808MessageType } from './message-ids.js';

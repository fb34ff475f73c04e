/** Iridium Short Burst Data DirectIP (protocol revision 1): a pure codec for MO, MT and confirmation messages. */
export { DirectIpError, isDirectIpError, DIRECT_IP_ERROR_CODES, type DirectIpErrorCode } from './direct-ip-error.js';
export {
  parseDirectIp,
  encodeDirectIp,
  directIpMessageLength,
  mtStatusText,
  mtStatusCode,
  MO_SESSION_STATUS,
  MT_DISPOSITION_FLAGS,
  DIRECT_IP_IEI,
  DIRECT_IP_PROTOCOL_REVISION,
  DIRECT_IP_MAX_MESSAGE_BYTES,
  MO_MAX_PAYLOAD_BYTES,
  MT_MAX_PAYLOAD_BYTES,
  type DirectIpMessage,
  type MoMessage,
  type MoHeader,
  type MoLocation,
  type MoConfirmation,
  type MtMessage,
  type MtConfirmation,
} from './direct-ip-message.js';

/** The Semtech UDP packet-forwarder protocol (versions 1 and 2): a pure codec for gateway datagrams. */
export {
  SemtechPacketError,
  isSemtechPacketError,
  SEMTECH_ERROR_CODES,
  type SemtechErrorCode,
} from './semtech-packet-error.js';
export {
  parseSemtechPacket,
  encodeSemtechPacket,
  loraDataRate,
  SEMTECH_MAX_DATAGRAM_BYTES,
  SEMTECH_MAX_RXPK,
  SEMTECH_MAX_PAYLOAD_BYTES,
  SEMTECH_IDENTIFIERS,
  TX_ACK_ERRORS,
  type SemtechPacket,
  type SemtechPacketType,
  type SemtechVersion,
  type Rxpk,
  type RxpkResult,
  type GatewayStat,
  type Txpk,
  type TxAckError,
  type Modulation,
  type CrcStatus,
} from './semtech-packet.js';

/** The air-frame layer: LoRaWAN 1.0.x data frames (format v1) under the aes128 and sm4 suites. */
export { FrameError, isFrameError, type FrameErrorCode } from './frame-error.js';
export {
  parseDataFrame,
  buildDataFrame,
  MTYPES,
  MAX_PHY_BYTES,
  type MType,
  type DataMType,
  type DataFrame,
  type DataFrameFields,
} from './lorawan-frame.js';
export { computeMic, verifyMic, decryptPayload, encryptPayload, type Dir } from './frame-crypto.js';
export { rebuildFCnt32 } from './fcnt.js';
export {
  CRYPTO_SUITES,
  setCipherCacheCapacity,
  cipherCacheCapacity,
  type CryptoSuite,
  type SessionKeys,
} from './crypto-suite.js';

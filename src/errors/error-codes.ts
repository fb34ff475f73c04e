/**
 * The catalogue of stable error codes. Every code satiot returns is listed here with the HTTP status
 * the API maps it to and the CLI exit code; `test/errors/error-codes.test.ts` checks that each one is
 * documented in docs/errors.md.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { http: 400, exit: 2, summary: 'A parameter is missing, malformed or out of range.' },
  INVALID_TIME: { http: 400, exit: 2, summary: 'A date or time could not be parsed, or a time window is empty or too long.' },
  TLE_MALFORMED: { http: 400, exit: 3, summary: 'An element set line has the wrong length, layout or field contents.' },
  TLE_CHECKSUM: { http: 400, exit: 3, summary: 'An element set line fails its modulo-10 checksum.' },
  OMM_MALFORMED: { http: 400, exit: 3, summary: 'An OMM record lacks a field or has a field out of range.' },
  ELEMENT_SET_DECAYED: { http: 422, exit: 3, summary: 'SGP4 cannot propagate the element set at the requested time (decayed or invalid orbit).' },
  NO_ELEMENT_SETS: { http: 422, exit: 3, summary: 'No usable element set was found in the input.' },
  SATELLITE_NOT_FOUND: { http: 404, exit: 4, summary: 'No satellite matches the requested name or catalog number.' },
  REGION_UNKNOWN: { http: 400, exit: 2, summary: 'The region is neither a preset, a bbox: nor a readable GeoJSON file.' },
  REGION_EMPTY: { http: 422, exit: 2, summary: 'The region holds no grid cell at the chosen resolution.' },
  GROUND_STATIONS_INVALID: { http: 400, exit: 2, summary: 'The ground-station list is not valid.' },
  FILE_NOT_READABLE: { http: 400, exit: 2, summary: 'An input file does not exist or cannot be read.' },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 2, summary: 'The request or job is larger than the configured limit.' },
  NOT_FOUND: { http: 404, exit: 4, summary: 'No such route or resource.' },
  UNAUTHORIZED: { http: 401, exit: 5, summary: 'The request carries no valid API key or ground-station token.' },
  FORBIDDEN: { http: 403, exit: 5, summary: 'The key is valid but its role may not do this.' },
  TENANT_NOT_FOUND: { http: 404, exit: 4, summary: 'No such tenant (or not visible to this key).' },
  TERMINAL_NOT_FOUND: { http: 404, exit: 4, summary: 'No such terminal (or not visible to this key).' },
  TERMINAL_EXISTS: { http: 409, exit: 6, summary: 'A terminal with this DevEUI is already registered.' },
  MESSAGE_NOT_FOUND: { http: 404, exit: 4, summary: 'No such message.' },
  MALFORMED_FRAME: { http: 400, exit: 2, summary: 'Ingest: the PHYPayload is not a well-formed LoRaWAN 1.0.x data frame (or not base64).' },
  FRAME_TOO_LARGE: { http: 413, exit: 2, summary: 'Ingest: the frame exceeds the largest LoRaWAN PHYPayload (255 bytes).' },
  UNSUPPORTED_FRAME: { http: 400, exit: 2, summary: 'Ingest: a join, proprietary or downlink frame where a data uplink was expected.' },
  INVALID_RECEPTION: { http: 400, exit: 2, summary: 'Ingest: reception metadata missing or out of range (times, satellite id, RSSI/SNR).' },
  UNKNOWN_TERMINAL: { http: 404, exit: 4, summary: 'Ingest: no registered terminal has this DevAddr.' },
  BAD_MIC: { http: 401, exit: 5, summary: 'Ingest: the message integrity code does not verify with the session key.' },
  REPLAYED_COUNTER: { http: 409, exit: 6, summary: 'Ingest: the frame counter was used before, outside the dedup window, or is below the anti-replay window.' },
  UNAUTHORIZED_STATION: { http: 401, exit: 5, summary: 'Ingest: the ground-station token is missing, unknown or disabled.' },
  TERMINAL_DISABLED: { http: 403, exit: 5, summary: 'Ingest: the terminal is disabled.' },
  CODEC_UNKNOWN: { http: 400, exit: 2, summary: 'Decode: no payload codec has this name.' },
  CODEC_MALFORMED: { http: 422, exit: 3, summary: 'Decode: the payload\'s framing, length or field layout is wrong for its protocol.' },
  CODEC_CHECKSUM: { http: 422, exit: 3, summary: 'Decode: the payload\'s own check (XOR, CRC, sum) does not match.' },
  CODEC_UNSUPPORTED: { http: 422, exit: 3, summary: 'Decode: a well-formed message or function type the codec does not decode.' },
  CODEC_TIMEOUT: { http: 422, exit: 3, summary: 'Decode: a user codec ran past its time limit.' },
  CODEC_FAILED: { http: 422, exit: 3, summary: 'Decode: a user codec threw, ran out of memory or returned something that is not JSON.' },
  RULE_INVALID: { http: 400, exit: 2, summary: 'A rule is malformed: the message names the path of the bad field.' },
  RULE_NOT_FOUND: { http: 404, exit: 4, summary: 'No such rule (or not visible to this key).' },
  ALARM_NOT_FOUND: { http: 404, exit: 4, summary: 'No such alarm (or not visible to this key).' },
  ALARM_STATE: { http: 409, exit: 6, summary: 'The alarm cannot make this transition (e.g. acknowledging a cleared alarm).' },
  INTERNAL: { http: 500, exit: 1, summary: 'An unexpected error; details are logged, not returned.' },
} as const satisfies Record<string, { http: number; exit: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

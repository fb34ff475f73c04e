/**
 * The catalogue of stable error codes. Every code satiot returns is listed here with the HTTP status
 * the API maps it to and the CLI exit code; `test/errors/error-codes.test.ts` checks that each one is
 * documented in docs/errors.md.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { http: 400, exit: 2, summary: 'A parameter is missing, malformed or out of range.' },
  INVALID_TIME: {
    http: 400,
    exit: 2,
    summary: 'A date or time could not be parsed, or a time window is empty or too long.',
  },
  TLE_MALFORMED: { http: 400, exit: 3, summary: 'An element set line has the wrong length, layout or field contents.' },
  TLE_CHECKSUM: { http: 400, exit: 3, summary: 'An element set line fails its modulo-10 checksum.' },
  OMM_MALFORMED: { http: 400, exit: 3, summary: 'An OMM record lacks a field or has a field out of range.' },
  ELEMENT_SET_DECAYED: {
    http: 422,
    exit: 3,
    summary: 'SGP4 cannot propagate the element set at the requested time (decayed or invalid orbit).',
  },
  NO_ELEMENT_SETS: { http: 422, exit: 3, summary: 'No usable element set was found in the input.' },
  SATELLITE_NOT_FOUND: { http: 404, exit: 4, summary: 'No satellite matches the requested name or catalog number.' },
  REGION_UNKNOWN: {
    http: 400,
    exit: 2,
    summary: 'The region is neither a preset, a bbox: nor a readable GeoJSON file.',
  },
  REGION_EMPTY: { http: 422, exit: 2, summary: 'The region holds no grid cell at the chosen resolution.' },
  GROUND_STATIONS_INVALID: { http: 400, exit: 2, summary: 'The ground-station list is not valid.' },
  SCENARIO_INVALID: {
    http: 400,
    exit: 2,
    summary: 'A digital-twin scenario is malformed: the message names the path of the bad field.',
  },
  SERIES_INVALID: {
    http: 400,
    exit: 2,
    summary: 'A time series (CSV timestamp,value) is malformed: the message names the line.',
  },
  FILE_NOT_READABLE: { http: 400, exit: 2, summary: 'An input file does not exist or cannot be read.' },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 2, summary: 'The request or job is larger than the configured limit.' },
  NOT_FOUND: { http: 404, exit: 4, summary: 'No such route or resource.' },
  UNAUTHORIZED: { http: 401, exit: 5, summary: 'The request carries no valid API key or ground-station token.' },
  FORBIDDEN: { http: 403, exit: 5, summary: 'The key is valid but its role may not do this.' },
  TENANT_NOT_FOUND: { http: 404, exit: 4, summary: 'No such tenant (or not visible to this key).' },
  TERMINAL_NOT_FOUND: { http: 404, exit: 4, summary: 'No such terminal (or not visible to this key).' },
  TERMINAL_EXISTS: { http: 409, exit: 6, summary: 'A terminal with this DevEUI is already registered.' },
  MESSAGE_NOT_FOUND: { http: 404, exit: 4, summary: 'No such message.' },
  MALFORMED_FRAME: {
    http: 400,
    exit: 2,
    summary: 'Ingest: the PHYPayload is not a well-formed LoRaWAN 1.0.x data frame (or not base64).',
  },
  FRAME_TOO_LARGE: {
    http: 413,
    exit: 2,
    summary: 'Ingest: the frame exceeds the largest LoRaWAN PHYPayload (255 bytes).',
  },
  UNSUPPORTED_FRAME: {
    http: 400,
    exit: 2,
    summary: 'Ingest: a join, proprietary or downlink frame where a data uplink was expected.',
  },
  INVALID_RECEPTION: {
    http: 400,
    exit: 2,
    summary: 'Ingest: reception metadata missing or out of range (times, satellite id, RSSI/SNR).',
  },
  UNKNOWN_TERMINAL: { http: 404, exit: 4, summary: 'Ingest: no registered terminal has this DevAddr.' },
  BAD_MIC: { http: 401, exit: 5, summary: 'Ingest: the message integrity code does not verify with the session key.' },
  REPLAYED_COUNTER: {
    http: 409,
    exit: 6,
    summary: 'Ingest: the frame counter was used before, outside the dedup window, or is below the anti-replay window.',
  },
  UNAUTHORIZED_STATION: {
    http: 401,
    exit: 5,
    summary: 'Ingest: the ground-station token is missing, unknown or disabled.',
  },
  TERMINAL_DISABLED: { http: 403, exit: 5, summary: 'Ingest: the terminal is disabled.' },
  CODEC_UNKNOWN: { http: 400, exit: 2, summary: 'Decode: no payload codec has this name.' },
  CODEC_MALFORMED: {
    http: 422,
    exit: 3,
    summary: "Decode: the payload's framing, length or field layout is wrong for its protocol.",
  },
  CODEC_CHECKSUM: { http: 422, exit: 3, summary: "Decode: the payload's own check (XOR, CRC, sum) does not match." },
  CODEC_UNSUPPORTED: {
    http: 422,
    exit: 3,
    summary: 'Decode: a well-formed message or function type the codec does not decode.',
  },
  CODEC_TIMEOUT: { http: 422, exit: 3, summary: 'Decode: a user codec ran past its time limit.' },
  CODEC_FAILED: {
    http: 422,
    exit: 3,
    summary: 'Decode: a user codec threw, ran out of memory or returned something that is not JSON.',
  },
  RULE_INVALID: { http: 400, exit: 2, summary: 'A rule is malformed: the message names the path of the bad field.' },
  RULE_NOT_FOUND: { http: 404, exit: 4, summary: 'No such rule (or not visible to this key).' },
  ALARM_NOT_FOUND: { http: 404, exit: 4, summary: 'No such alarm (or not visible to this key).' },
  ALARM_STATE: {
    http: 409,
    exit: 6,
    summary: 'The alarm cannot make this transition (e.g. acknowledging a cleared alarm).',
  },
  DECISION_NOT_FOUND: { http: 404, exit: 4, summary: 'No such decision (or not visible to this key).' },
  MODEL_NOT_FOUND: { http: 404, exit: 4, summary: 'No such learned model (or not visible to this key).' },
  DECISION_STATE: {
    http: 409,
    exit: 6,
    summary: 'The decision cannot make this transition (e.g. approving one already executed), or it changed meanwhile.',
  },
  DECISION_NOT_UNDOABLE: {
    http: 409,
    exit: 6,
    summary: "The decision's command has left (or is still being queued) and cannot be withdrawn now.",
  },
  DOWNLINK_NOT_FOUND: {
    http: 404,
    exit: 4,
    summary: 'No such downlink (or not visible to this key, or not scheduled through this ground station).',
  },
  DOWNLINK_INVALID: {
    http: 400,
    exit: 2,
    summary: "A downlink is malformed: FPort, payload (base64, at most 242 bytes), expiry, or a status report's time.",
  },
  DOWNLINK_STATE: {
    http: 409,
    exit: 6,
    summary: 'The downlink cannot make this transition (e.g. transmitted before it was uploaded).',
  },
  WEBHOOK_NOT_FOUND: { http: 404, exit: 4, summary: 'No such webhook (or not visible to this key).' },
  INTEGRATION_NOT_FOUND: { http: 404, exit: 4, summary: 'No such MQTT integration (or not visible to this key).' },
  INTEGRATION_INVALID: {
    http: 400,
    exit: 2,
    summary:
      'A webhook or MQTT integration is malformed: URL scheme, host or credentials, event kinds, user name, ' +
      'password or topic prefix.',
  },
  DELIVERY_TARGET_INTERNAL: {
    http: 400,
    exit: 2,
    summary:
      'A webhook or broker host is, or resolves to, a loopback, private, link-local or other internal ' +
      'address; refused unless the server runs with --allow-internal-delivery.',
  },
  QUOTA_EXCEEDED: {
    http: 429,
    exit: 7,
    summary: "The tenant's monthly quota is used up and its policy refuses new downlinks (emergencies still go).",
  },
  TERMINAL_HAS_MESSAGES: {
    http: 409,
    exit: 6,
    summary: 'The terminal has sent messages, which are kept: it can be disabled, not deleted.',
  },
  GATEWAY_NOT_FOUND: { http: 404, exit: 4, summary: 'No such terrestrial gateway (or not visible to this key).' },
  GATEWAY_EXISTS: { http: 409, exit: 6, summary: 'A terrestrial gateway with this EUI is already registered.' },
  GATEWAY_HAS_RECEPTIONS: {
    http: 409,
    exit: 6,
    summary: 'The gateway heard messages, whose receptions are kept: it can be disabled, not deleted.',
  },
  GROUND_STATION_NOT_FOUND: {
    http: 404,
    exit: 4,
    summary:
      'No such satellite ground station (terrestrial gateways and the Iridium gateway have no token to ' +
      'rotate or revoke).',
  },
  STATION_TOKEN_REVOKED: {
    http: 409,
    exit: 6,
    summary: "The ground station's token is already revoked; rotating it issues a new one.",
  },
  TERMINAL_NOT_APPROVED: {
    http: 403,
    exit: 5,
    summary: 'Ingest: the terminal is not approved (pending review, suspended or retired).',
  },
  INVALID_TRANSITION: {
    http: 409,
    exit: 6,
    summary: 'The terminal cannot make this lifecycle change (e.g. approving a retired terminal; retired is final).',
  },
  HARDWARE_ID_BOUND: { http: 409, exit: 6, summary: 'The hardware id or IMEI is already bound to another terminal.' },
  DEV_ADDR_SHARED_LIMIT: {
    http: 409,
    exit: 6,
    summary:
      'As many terminals as allowed (serve --max-terminals-per-dev-addr, default 4) already have this ' +
      'DevAddr: choose another.',
  },
  DEV_ADDR_IN_USE: {
    http: 409,
    exit: 6,
    summary: "Another tenant's terminal has this DevAddr: only an operator may register a terminal that shares it.",
  },
  MIC_THROTTLED: {
    http: 429,
    exit: 7,
    summary:
      'Ingest: too many frames with a bad MIC for this DevAddr from this station, or from this station at ' +
      'all, lately: they are refused unchecked for a cool-down.',
  },
  EMERGENCY_BUDGET_EXCEEDED: {
    http: 429,
    exit: 7,
    summary:
      'The tenant has queued its hourly budget of emergency downlinks; send as normal priority or retry ' +
      'after the Retry-After header.',
  },
  RATE_LIMITED: {
    http: 429,
    exit: 7,
    summary: 'Too many requests from this API key or ground station; retry after the Retry-After header.',
  },
  KEY_LOCKED_OUT: {
    http: 429,
    exit: 7,
    summary:
      'Too many failed keys from this source, or failures of this very key or token from anywhere: locked ' +
      'out for a while (Retry-After; details.scope says which).',
  },
  AUDIT_CHAIN_BROKEN: {
    http: 409,
    exit: 8,
    summary:
      'The audit log fails verification: a record was edited, removed or reordered, or a checkpoint ' +
      'signature does not hold; the message names the first broken record.',
  },
  DEAD_LETTER_NOT_FOUND: { http: 404, exit: 4, summary: 'No such dead letter.' },
  REPLAY_FAILED: {
    http: 409,
    exit: 6,
    summary:
      'A dead letter was run through its consumer again and failed again; the error is recorded on it and ' +
      'it stays open.',
  },
  STORE_UNAVAILABLE: {
    http: 503,
    exit: 9,
    summary:
      'The store (PostgreSQL, or a SQLite file another process holds) cannot be reached or is busy: nothing ' +
      'was changed; retry after the Retry-After header.',
  },
  PLANNER_BUSY: {
    http: 503,
    exit: 9,
    summary: 'The planner is working on as many jobs as it queues; retry after the Retry-After header.',
  },
  PLANNER_TIMEOUT: {
    http: 504,
    exit: 9,
    summary:
      'A planning job ran past its time limit and was stopped; the same job would again: ask for a smaller ' +
      'region, resolution or window.',
  },
  NOT_READY: {
    http: 503,
    exit: 9,
    summary:
      'This node cannot take traffic now (starting, stopping, or its store or bus unreachable); another node may.',
  },
  MASTER_KEY_MISMATCH: {
    http: 500,
    exit: 10,
    summary:
      "A secret sealed in the store does not open with this node's master keys: every node of a store needs " +
      'the same SATIOT_MASTER_KEY (and SATIOT_MASTER_KEY_PREVIOUS during a rotation).',
  },
  INTERNAL: { http: 500, exit: 1, summary: 'An unexpected error; details are logged, not returned.' },
} as const satisfies Record<string, { http: number; exit: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

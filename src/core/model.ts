/**
 * The network core's records. Times are Unix milliseconds (UTC); ids are strings; EUIs and
 * addresses are lowercase hex (devEui 16 digits, devAddr 8 digits, as written MSB first).
 */

export type CryptoSuite = 'aes128' | 'sm4';
export const CRYPTO_SUITES: readonly CryptoSuite[] = ['aes128', 'sm4'];

export type TerminalProfile = 'fixed-collector' | 'wearable' | 'handheld' | 'vehicle' | 'vessel' | 'aircraft';
export const TERMINAL_PROFILES: readonly TerminalProfile[] = [
  'fixed-collector',
  'wearable',
  'handheld',
  'vehicle',
  'vessel',
  'aircraft',
];

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
}

/**
 * A terminal's registration lifecycle (src/core/registration.ts): `pending → approved → suspended →
 * retired`. Only `approved` terminals are heard (others: TERMINAL_NOT_APPROVED); `retired` is final.
 */
export type TerminalStatus = 'pending' | 'approved' | 'suspended' | 'retired';
export const TERMINAL_STATUSES: readonly TerminalStatus[] = ['pending', 'approved', 'suspended', 'retired'];

export interface TerminalRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly devEui: string;
  readonly devAddr: string;
  readonly suite: CryptoSuite;
  readonly profile: TerminalProfile;
  readonly expectedMessagesPerDay: number;
  /**
   * The owner's own switch (a tenant admin pauses a terminal): frames of a disabled terminal are
   * TERMINAL_DISABLED. Independent of `status`, the operator's lifecycle: a frame is accepted only
   * when the terminal is `approved` and enabled.
   */
  readonly enabled: boolean;
  /** Registration lifecycle; terminals from before registration existed are `approved`. */
  readonly status: TerminalStatus;
  /** A fixed terminal's registered position. */
  readonly location?: GeoPoint;
  /**
   * Payload codec its uplinks are decoded with after ingest: a built-in codec's name (`jt808`,
   * `sl651`, `line-monitor`, `dlt645`) or `user:<codec id>` for a tenant's own script. None: payloads
   * are stored and delivered as bytes only.
   */
  readonly codec?: string;
  /**
   * Session keys sealed under the master key (see core/key-vault.ts): opaque strings, never
   * returned by any API.
   */
  readonly nwkSKeySealed: string;
  readonly appSKeySealed: string;
  readonly createdAt: number;
  /**
   * How the terminal reaches the network: absent for LoRaWAN (a session: DevAddr, keys, MIC);
   * `iridium-sbd` for an Iridium Short Burst Data modem, known by its IMEI, whose sessions arrive
   * over DirectIP (docs/interop.md): no DevAddr, no keys — the Iridium network authenticates it —
   * and its MOMSN is the uplink counter.
   */
  readonly transport?: TerminalTransport;
  /** An Iridium terminal's IMEI, 15 digits. */
  readonly imei?: string;
  /** What people call it (`Gauge Wuhan 3`, `Truck 12`): at most 64 characters, shown beside its DevEUI. */
  readonly name?: string;
}

export const TERMINAL_TRANSPORTS = ['lorawan', 'iridium-sbd'] as const;
export type TerminalTransport = (typeof TERMINAL_TRANSPORTS)[number];

/** Whether a terminal is an Iridium SBD modem rather than a LoRaWAN device. */
export const isIridiumTerminal = (t: Pick<TerminalRecord, 'transport'>): boolean => t.transport === 'iridium-sbd';

/**
 * A terminal's frame-counter state: the anti-replay window over 32-bit uplink counters
 * (RFC 4303 §3.4.3 style) and the downlink counter. `version` increases on every write so that
 * concurrent writers (several core nodes) detect each other.
 */
export interface TerminalCounters {
  readonly terminalId: string;
  /** Highest accepted uplink counter, −1 before the first frame. */
  readonly fCntUpTop: number;
  /** Bit i set ⇔ counter fCntUpTop − i was accepted; hex string of the window (bit 0 = top). */
  readonly windowBits: string;
  readonly fCntDown: number;
  readonly version: number;
  /**
   * Times an operator reset the uplink counters (migration 20; absent: 0). Messages are stored
   * under counter upEpoch × 2³² + FCnt, so a terminal counting from 0 again does not collide with
   * its earlier messages.
   */
  readonly upEpoch?: number;
}

export interface GroundStationRecord {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly altM: number;
  /**
   * SHA-256 of the bearer token, hex. The token itself is shown once and never stored. A terrestrial
   * gateway has no token (UDP carries none): its value is `gateway:<EUI>`, which no SHA-256 matches.
   */
  readonly tokenHash: string;
  readonly enabled: boolean;
  readonly createdAt: number;
  /**
   * Set for a terrestrial LoRa gateway (docs/interop.md): its EUI, 16 lower-case hex digits — the
   * only identity the Semtech UDP protocol carries. Absent for a satellite ground station. Its
   * receptions have no satellite (`satelliteId` empty).
   */
  readonly gatewayEui?: string;
  /** The tenant that owns a terrestrial gateway; absent: the operator's (heard for every tenant). */
  readonly tenantId?: string;
  /** A terrestrial gateway's last datagram (ms), recorded at most every 30 s. */
  readonly lastSeenAt?: number;
  /** A terrestrial gateway's latest `stat` report (packet counts, GPS position, temperature). */
  readonly gatewayStat?: GatewayStatus;
  /**
   * Another operator's gateway rather than one of ours: `iridium-sbd` for the Iridium gateway
   * that hands in SBD sessions over DirectIP. Never planned as a contact of our constellation;
   * its receptions name the satellite `iridium`.
   */
  readonly network?: 'iridium-sbd';
}

/** What a gateway says of itself every 30 s or so (the Semtech `stat` object; every field optional). */
export interface GatewayStatus {
  /** The gateway's own clock, as it writes it. */
  readonly time?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly altM?: number;
  /** Radio packets received, with a good CRC, forwarded; the share of PUSH_DATA acknowledged (%). */
  readonly rxReceived?: number;
  readonly rxOk?: number;
  readonly rxForwarded?: number;
  readonly ackPercent?: number;
  /** Downlinks received from the server, and emitted. */
  readonly downlinksReceived?: number;
  readonly txEmitted?: number;
  readonly temperatureC?: number;
}

/** Whether a station is a terrestrial LoRa gateway rather than a satellite ground station. */
export const isTerrestrialGateway = (g: Pick<GroundStationRecord, 'gatewayEui'>): boolean => g.gatewayEui !== undefined;

/**
 * A satellite of the constellation, by catalog number, with the element set it is propagated from:
 * the TLE's two lines, or a CelesTrak OMM record as JSON.
 */
export interface SatelliteRecord {
  readonly noradId: number;
  readonly name: string;
  readonly format: 'tle' | 'omm';
  readonly elementSet: string;
  readonly epoch: number;
  readonly updatedAt: number;
}

/** One copy of a frame as one ground station received it from one satellite. */
export interface Reception {
  readonly messageId: string;
  readonly stationId: string;
  readonly satelliteId: string;
  /** When the satellite captured the frame (satellite clock). */
  readonly capturedAt: number;
  /** When the ground station received it from the satellite. */
  readonly downlinkedAt: number;
  /** When the core accepted this copy (durable). */
  readonly receivedAt: number;
  readonly rssi: number | null;
  readonly snr: number | null;
  readonly frequencyOffsetHz: number | null;
  /** Carrier frequency the copy was heard on, MHz (terrestrial gateways report it). */
  readonly frequencyMHz?: number | null;
  /** LoRa data rate as the gateway names it, e.g. "SF12BW125". */
  readonly dataRate?: string | null;
  /** Read side: the EUI of the terrestrial gateway that heard this copy (absent: a satellite path). */
  readonly gatewayEui?: string;
}

export interface MessageRecord {
  /** Deterministic: derived from (terminal, 32-bit counter), so every copy maps to the same id. */
  readonly id: string;
  readonly tenantId: string;
  readonly terminalId: string;
  readonly devEui: string;
  readonly fCnt: number;
  /** Absent for frames without a payload port (MAC-only). */
  readonly fPort: number | null;
  /** Decrypted application payload. */
  readonly payload: Uint8Array;
  readonly confirmed: boolean;
  /** The uplink carried the ACK bit (acknowledges the last confirmed downlink). */
  readonly ack: boolean;
  /** Earliest capture and downlink times over all receptions. */
  readonly capturedAt: number;
  readonly downlinkedAt: number;
  /** When the first copy was committed. */
  readonly ingestedAt: number;
}

/** A message's payload as its terminal's codec decoded it after ingest, or why it could not. */
export interface MessageDecode {
  readonly messageId: string;
  /** The codec that ran (`jt808`, `user:<id>`, …). */
  readonly codec: string;
  /** JSON-safe object; null when decoding failed. */
  readonly decoded: { readonly [k: string]: unknown } | null;
  /** Stable code (CODEC_MALFORMED, CODEC_CHECKSUM, CODEC_TIMEOUT, …) and message; null on success. */
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly decodedAt: number;
}

/** Where a network placed the terminal when it sent a message (Iridium: the MO location element). */
export interface ReportedPosition {
  readonly lat: number;
  readonly lon: number;
  /** Circular error probable radius, km. */
  readonly cepKm: number;
  readonly source: 'iridium';
}

export interface MessageWithReceptions extends MessageRecord {
  readonly receptions: readonly Reception[];
  /** The network's estimate of where the terminal was (absent when the path reports none). */
  readonly reportedPosition?: ReportedPosition;
  /** Absent until the decoder has run (or when the terminal has no codec). */
  readonly decode?: MessageDecode;
}

/** A tenant's own payload codec: a JavaScript `decodeUplink(bytes, fPort)` run in a sandbox. */
export interface UserCodecRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly script: string;
  readonly createdAt: number;
}

/** Stable rejection codes of the ingest pipeline (also in the error catalogue). */
export type RejectionCode =
  | 'MALFORMED_FRAME'
  | 'FRAME_TOO_LARGE'
  | 'UNKNOWN_TERMINAL'
  | 'BAD_MIC'
  | 'REPLAYED_COUNTER'
  | 'UNAUTHORIZED_STATION'
  | 'TERMINAL_DISABLED'
  | 'UNSUPPORTED_FRAME'
  | 'INVALID_RECEPTION'
  | 'TERMINAL_NOT_APPROVED'
  | 'MIC_THROTTLED';

/**
 * Who may do what. `operator` runs the service (everything); `tenant-admin` manages one tenant
 * (terminals, keys, rules, codecs, integrations); `tenant-user` reads the tenant's data and sends
 * downlinks; `regulator` reads across tenants — metadata and audit, payloads only where the
 * deployment's policy allows.
 */
export type Role = 'operator' | 'tenant-admin' | 'tenant-user' | 'regulator';
export const ROLES: readonly Role[] = ['operator', 'tenant-admin', 'tenant-user', 'regulator'];

/** An API key: only its SHA-256 is stored; the key itself is shown once. */
export interface ApiKeyRecord {
  readonly id: string;
  /** The tenant a tenant-admin or tenant-user key belongs to; null for operator and regulator keys. */
  readonly tenantId: string | null;
  readonly role: Role;
  readonly name: string;
  readonly keyHash: string;
  /** The key's first characters, to tell keys apart in listings (`sk_3f9a…`). */
  readonly prefix: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/**
 * A tenant's monthly quota (UTC calendar month). `warn` only reports it exceeded; `refuse-downlinks`
 * also refuses new normal-priority downlinks (QUOTA_EXCEEDED) — emergencies always go.
 */
export interface TenantQuota {
  readonly tenantId: string;
  readonly monthlyUplinkMessages: number | null;
  readonly monthlyDownlinks: number | null;
  readonly action: 'warn' | 'refuse-downlinks';
  readonly updatedAt: number;
}

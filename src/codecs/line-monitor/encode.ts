import { CodecError, fromHex } from '../codec.js';
import { DATA_RESPONSE, MONITORING_DATA, RESPONSE_FAILURE, RESPONSE_SUCCESS } from './frame-types.js';
import { buildLineMonitorFrame } from './framing.js';
import { encodeFields, type LineMonitorValues } from './payload.js';
import { DEFAULT_LINE_MONITOR_PROFILE } from './default-profile.js';
import type { LineMonitorProfile } from './profile.js';

/** What a monitoring device uploads: the inverse of decodeLineMonitor for Frame_Type 01. */
export interface LineMonitorUpload {
  readonly deviceId: string;
  /** A code, or the profile's key for it ('icing'). */
  readonly packetType: number | string;
  readonly frameNo: number;
  readonly componentId?: string;
  /** ISO-8601, whole seconds. */
  readonly sampledAt?: string;
  readonly values: LineMonitorValues;
}

/** The code of a packet type given by code or by the profile's key. */
export function packetTypeCode(packetType: number | string, profile: LineMonitorProfile): number {
  if (typeof packetType === 'number') return packetType;
  const hit = Object.entries(profile.packetTypes).find(([, d]) => d.key === packetType);
  if (!hit) throw new CodecError('CODEC_MALFORMED', `profile ${profile.name} has no packet type "${packetType}"`);
  return Number(hit[0]);
}

/** Builds a monitoring-data frame from values laid out by the profile's packet type. */
export function encodeLineMonitorUpload(
  upload: LineMonitorUpload,
  profile: LineMonitorProfile = DEFAULT_LINE_MONITOR_PROFILE,
): Uint8Array {
  const code = packetTypeCode(upload.packetType, profile);
  const def = profile.packetTypes[code];
  if (!def)
    throw new CodecError('CODEC_MALFORMED', `profile ${profile.name} has no packet type 0x${code.toString(16)}`);
  const values: LineMonitorValues = { ...upload.values };
  if (upload.componentId !== undefined) values.componentId = upload.componentId;
  if (upload.sampledAt !== undefined) values.sampledAt = upload.sampledAt;
  const payload = encodeFields(def.fields, values, profile.valueEndian);
  return buildLineMonitorFrame(
    { deviceId: upload.deviceId, frameType: MONITORING_DATA, packetType: code, frameNo: upload.frameNo, payload },
    profile,
  );
}

/** The CAC's data response to an upload: same packet type and frame number, payload FF (accepted) or 00 (resend). */
export function encodeLineMonitorDataResponse(
  r: { deviceId: string; packetType: number | string; frameNo: number; success: boolean },
  profile: LineMonitorProfile = DEFAULT_LINE_MONITOR_PROFILE,
): Uint8Array {
  const payload = Uint8Array.of(r.success ? RESPONSE_SUCCESS : RESPONSE_FAILURE);
  return buildLineMonitorFrame(
    {
      deviceId: r.deviceId,
      frameType: DATA_RESPONSE,
      packetType: packetTypeCode(r.packetType, profile),
      frameNo: r.frameNo,
      payload,
    },
    profile,
  );
}

/** Any frame with a raw payload (control frames, undecoded packet types). */
export function encodeLineMonitorRaw(
  r: { deviceId: string; frameType: number; packetType: number; frameNo: number; payloadHex: string },
  profile: LineMonitorProfile = DEFAULT_LINE_MONITOR_PROFILE,
): Uint8Array {
  return buildLineMonitorFrame(
    {
      deviceId: r.deviceId,
      frameType: r.frameType,
      packetType: r.packetType,
      frameNo: r.frameNo,
      payload: fromHex(r.payloadHex),
    },
    profile,
  );
}

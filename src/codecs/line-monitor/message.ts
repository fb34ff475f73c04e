import type { LineMonitorValues } from './payload.js';

/** A decoded I1 frame (JSON-safe). */
export type LineMonitorMessage = {
  protocol: 'line-monitor';
  /** CMD_ID, the monitoring device's 17-character ID. */
  deviceId: string;
  /** Frame_Type by name ('monitoring-data', 'data-response', …) and its code. */
  frameType: string;
  frameTypeCode: number;
  packetType: number;
  /** The profile's key for the packet type ('icing'), or 'unknown'. */
  type: string;
  name: string | null;
  frameNo: number;
  /** The monitored component's ID (the payload's Component_ID), when the layout has one. */
  componentId: string | null;
  /** Sampling time (ISO-8601 UTC), when the layout has one. */
  sampledAt: string | null;
  /** A data response's verdict on an upload (payload byte 0: FF success, 00 failure); null for other frames. */
  status: 'success' | 'failure' | 'unknown' | null;
  values: LineMonitorValues;
  /** The whole payload as hex when it was not decoded field by field, else null. */
  payloadHex: string | null;
  /** Bytes after the layout's last field (a vendor extension), else null. */
  trailingHex: string | null;
};

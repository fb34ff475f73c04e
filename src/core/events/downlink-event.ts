/** A downlink's change as published on `satiot.downlink.…`: its new state and the downlink as the API shows it. */
export interface DownlinkEvent {
  readonly kind: 'downlink';
  readonly action: string;
  readonly downlink: {
    readonly id: string;
    readonly tenantId: string;
    readonly devEui: string;
    readonly state: string;
    readonly [k: string]: unknown;
  };
}

/** One id per stored version of a downlink. */
export const downlinkEventId = (downlinkId: string, version: number): string => `${downlinkId}:${version}`;

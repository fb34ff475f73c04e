/**
 * The DL/T 645-2007 control byte: D7 direction (1 = reply from the meter), D6 abnormal reply,
 * D5 follow-up frame exists, D4..D0 function code.
 */

export type Dlt645Function =
  | 'broadcast-time' // 0x08 broadcast time sync (address 99..99)
  | 'security' // 0x03 security authentication (smart-meter extension; data kept as hex)
  | 'read' // 0x11 read data
  | 'read-follow-up' // 0x12 read follow-up data
  | 'read-address' // 0x13 read communication address (address AA..AA)
  | 'write' // 0x14 write data
  | 'write-address' // 0x15 write communication address
  | 'freeze' // 0x16 freeze
  | 'change-baud-rate' // 0x17
  | 'change-password' // 0x18
  | 'clear-max-demand' // 0x19
  | 'clear-meter' // 0x1A
  | 'clear-events' // 0x1B
  | 'relay-control'; // 0x1C trip/close, alarm, hold power

/** DL/T 645-2007 function codes (D4..D0). Codes not listed (e.g. DL/T 645-1997's 0x01 read) are unsupported. */
export const DLT645_FUNCTIONS: Readonly<Record<number, Dlt645Function>> = {
  0x03: 'security',
  0x08: 'broadcast-time',
  0x11: 'read',
  0x12: 'read-follow-up',
  0x13: 'read-address',
  0x14: 'write',
  0x15: 'write-address',
  0x16: 'freeze',
  0x17: 'change-baud-rate',
  0x18: 'change-password',
  0x19: 'clear-max-demand',
  0x1a: 'clear-meter',
  0x1b: 'clear-events',
  0x1c: 'relay-control',
};

export type Dlt645Direction = 'request' | 'reply';

/** The control byte taken apart (`code` is the whole byte, e.g. 0x91 = 145). */
export type Dlt645Control = {
  code: number;
  direction: Dlt645Direction;
  /** D6: the meter answers with an error word instead of data. */
  abnormal: boolean;
  /** D5: more frames follow (read with 0x12 to get them). */
  followUp: boolean;
  functionCode: number;
};

export function parseControl(code: number): Dlt645Control {
  return {
    code,
    direction: code & 0x80 ? 'reply' : 'request',
    abnormal: (code & 0x40) !== 0,
    followUp: (code & 0x20) !== 0,
    functionCode: code & 0x1f,
  };
}

export function buildControl(c: {
  direction: Dlt645Direction;
  abnormal?: boolean;
  followUp?: boolean;
  functionCode: number;
}): number {
  return (
    (c.direction === 'reply' ? 0x80 : 0) | (c.abnormal ? 0x40 : 0) | (c.followUp ? 0x20 : 0) | (c.functionCode & 0x1f)
  );
}

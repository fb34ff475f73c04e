/**
 * I1 Frame_Type codes (billkin/Online-monitoring GDW_Protocol.c, "附表 C8-1"). Odd codes go from the
 * monitoring device up to the CAC, even ones are the CAC's responses, except control (03, 07) which
 * goes down and its response (04, 08) up.
 */
export const LINE_MONITOR_FRAME_TYPES: Readonly<Record<number, string>> = {
  0x01: 'monitoring-data',
  0x02: 'data-response',
  0x03: 'control',
  0x04: 'control-response',
  0x05: 'image-data',
  0x06: 'image-data-response',
  0x07: 'image-control',
  0x08: 'image-control-response',
  0x09: 'work-status',
  0x0a: 'work-status-response',
};

export const MONITORING_DATA = 0x01;
export const DATA_RESPONSE = 0x02;
/** First payload byte of a data response: 0xFF the upload was accepted, 0x00 it was not (resend). */
export const RESPONSE_SUCCESS = 0xff;
export const RESPONSE_FAILURE = 0x00;

import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codecs/codec.js';
import { installErrorHandling } from '../../src/api/error-reply.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { isSatiotError, type SatiotError } from '../../src/errors/satiot-error.js';
import { FrameError } from '../../src/frame/frame-error.js';
import { AlarmError } from '../../src/rules/alarm-error.js';
import { RuleError } from '../../src/rules/rule-error.js';

const CASES: Array<[SatiotError, string, Record<string, unknown>]> = [
  [new CodecError('CODEC_CHECKSUM', 'XOR check fails', 17), 'CodecError', { offset: 17 }],
  [new CodecError('CODEC_FAILED', 'the codec threw'), 'CodecError', {}],
  [
    new FrameError('MALFORMED_FRAME', 'FOptsLen 15 exceeds the 3 bytes left', 'FOptsLen'),
    'FrameError',
    { field: 'FOptsLen' },
  ],
  [new FrameError('FRAME_TOO_LARGE', 'too large'), 'FrameError', {}],
  [
    new RuleError('condition.all[1].value must be a number', 'condition.all[1].value'),
    'RuleError',
    { path: 'condition.all[1].value' },
  ],
  [new AlarmError('alarm a1 is already cleared', 'a1'), 'AlarmError', { alarmId: 'a1' }],
];

describe('domain errors', () => {
  it.each(CASES)(
    '%s is a SatiotError with a catalogued code, its own name and its specifics in details',
    (e, name, details) => {
      expect(isSatiotError(e)).toBe(true);
      expect(ERROR_CODES[e.code]).toBeDefined();
      expect(e.name).toBe(name);
      expect(e.details).toEqual(details);
    },
  );

  it('are answered by the one error mapping at the edge with their status, code, message and details', async () => {
    const app = Fastify();
    installErrorHandling(app);
    app.get('/frame', async () => {
      throw new FrameError('MALFORMED_FRAME', 'FOptsLen 15 exceeds the 3 bytes left', 'FOptsLen');
    });
    app.get('/codec', async () => {
      throw new CodecError('CODEC_CHECKSUM', 'XOR check fails', 17);
    });
    app.get('/alarm', async () => {
      throw new AlarmError('alarm a1 is already cleared', 'a1');
    });
    try {
      const frame = await app.inject({ method: 'GET', url: '/frame' });
      expect([frame.statusCode, frame.json()]).toEqual([
        400,
        {
          error: {
            code: 'MALFORMED_FRAME',
            message: 'FOptsLen 15 exceeds the 3 bytes left',
            details: { field: 'FOptsLen' },
          },
        },
      ]);
      const codec = await app.inject({ method: 'GET', url: '/codec' });
      expect([codec.statusCode, codec.json()]).toEqual([
        422,
        { error: { code: 'CODEC_CHECKSUM', message: 'XOR check fails', details: { offset: 17 } } },
      ]);
      const alarm = await app.inject({ method: 'GET', url: '/alarm' });
      expect([alarm.statusCode, alarm.json()]).toEqual([
        409,
        { error: { code: 'ALARM_STATE', message: 'alarm a1 is already cleared', details: { alarmId: 'a1' } } },
      ]);
    } finally {
      await app.close();
    }
  });
});

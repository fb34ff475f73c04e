import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('satiot bench pipeline', () => {
  it.each([
    ['sl651', 'water'],
    ['jt808', 'logistics'],
  ])(
    'carries %s payloads through decode, the %s rules and two webhooks, each message delivered once to each',
    async (codec, rules) => {
      const r = await runCli([
        'bench',
        'pipeline',
        '--messages',
        '2000',
        '--terminals',
        '200',
        '--codec',
        codec,
        '--webhooks',
        '2',
        '--timeout',
        '60',
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({
        codec,
        rules,
        webhooks: 2,
        store: 'sqlite',
        bus: 'memory',
        caughtUp: true,
        rulesEvaluated: true,
        accepted: 2000,
        rejected: 0,
        delivered: 2000,
        repeatedDeliveries: 0,
        decodeErrors: 0,
      });
      expect(out['duplicates']).toBe((out['frames'] as number) - 2000); // second copies from other satellites
      expect(out['alarms']).toBeGreaterThan(0); // the payloads cross the preset's lines now and then
      expect(out['messagesPerSecond']).toEqual(expect.any(Number));
      expect(out['deliveredP99Ms']).toBeGreaterThanOrEqual(out['deliveredP50Ms'] as number);
    },
    120_000,
  );

  it('refuses an unknown codec with INVALID_ARGUMENT, exit 2', async () => {
    const r = await runCli(['bench', 'pipeline', '--codec', 'modbus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INVALID_ARGUMENT');
  });
});

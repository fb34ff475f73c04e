import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('satiot bench provision', () => {
  it.each(['json', 'csv', 'inproc'])(
    'registers the fleet through the %s path, each terminal once and audited once, with the one-by-one baseline',
    async (via) => {
      const r = await runCli([
        'bench',
        'provision',
        '--terminals',
        '3000',
        '--baseline',
        '20',
        '--via',
        via,
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out).toMatchObject({ terminals: 3000, created: 3000, via, store: 'sqlite' });
      // One audit record per terminal of the bulk run (the HTTP paths may add the request's own).
      expect(out['auditRecords']).toBeGreaterThanOrEqual(3000);
      expect(out['auditRecords']).toBeLessThanOrEqual(3001);
      expect(out['terminalsPerSecond']).toEqual(expect.any(Number));
      expect((out['oneByOne'] as { terminals: number }).terminals).toBe(20);
      expect(out['ratioToOneByOne']).toEqual(expect.any(Number)); // its size is the benchmark's to report, not a test's to assert
    },
    60_000,
  );

  it('refuses a fleet beyond one bulk request with INVALID_ARGUMENT, exit 2', async () => {
    const r = await runCli(['bench', 'provision', '--terminals', '100001']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INVALID_ARGUMENT');
  });
});

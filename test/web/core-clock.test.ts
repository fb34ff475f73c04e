/** The dashboard's estimate of the core's clock (web/src/core-clock.tsx): offset and speed from the answers' `at`. */
import { describe, expect, it } from 'vitest';
import { ServerClock } from '../../web/src/core-clock.js';
import { Random } from '../../src/twin/model/random.js';

describe('the core clock as the dashboard sees it', () => {
  it('knows nothing before an answer, then runs at real speed until it can measure', () => {
    const c = new ServerClock();
    expect(c.now(0)).toBeUndefined();
    c.observe('2026-01-15T12:00:00.000Z', 1000);
    expect(c.now(3000)).toBe(Date.parse('2026-01-15T12:00:02.000Z'));
    expect(c.speed()).toBe(1);
  });

  it('measures a core running 30 times faster within 2 % although each answer arrives up to 150 ms late', () => {
    const c = new ServerClock(),
      r = new Random(7);
    const start = Date.parse('2026-01-15T12:00:00Z');
    // Answers every 5 s for a minute: the server stamps its time, the browser sees it up to 150 ms later.
    for (let local = 0; local <= 60_000; local += 5_000)
      c.observe(new Date(start + local * 30).toISOString(), local + 150 * r.next());
    expect(Math.abs(c.speed() - 30) / 30).toBeLessThan(0.02);
    // The time it gives is within 200 ms of real time (6 s of the core's) of the core's own.
    expect(Math.abs(c.now(61_000)! - (start + 61_000 * 30))).toBeLessThan(30 * 200);
  });

  it('follows a change of speed within the two-minute window', () => {
    const c = new ServerClock();
    let server = Date.parse('2026-01-15T12:00:00Z');
    for (let local = 0; local <= 300_000; local += 5_000) {
      c.observe(new Date(server).toISOString(), local);
      server += 5_000 * (local < 100_000 ? 60 : 1); // the twin paused back to real time at 100 s
    }
    expect(c.speed()).toBeCloseTo(1, 1);
  });
});

import { describe, expect, it } from 'vitest';
import { SourceRateLimiter } from '../../src/api/semtech-udp/source-rate-limiter.js';

describe('SourceRateLimiter', () => {
  it('lets a source burst twice its rate, then refills at its rate', () => {
    const l = new SourceRateLimiter(10);
    let taken = 0;
    for (let i = 0; i < 50; i++) if (l.take('a', 0)) taken++;
    expect(taken).toBe(20);
    expect(l.take('a', 50)).toBe(false);
    expect(l.take('a', 100)).toBe(true); // 0.1 s: one token back
    expect(l.take('b', 100)).toBe(true); // another source has its own bucket
  });

  it('does not starve a source whose clock reading goes back', () => {
    const l = new SourceRateLimiter(10);
    for (let i = 0; i < 20; i++) l.take('a', 1_000_000);
    expect(l.take('a', 400_000)).toBe(false); // no negative refill: just empty
    expect(l.take('a', 400_100)).toBe(true);
  });

  it('keeps at most maxSources buckets, dropping the least recently used, and still takes new sources', () => {
    const l = new SourceRateLimiter(1, 3);
    for (const s of ['a', 'b', 'c']) l.take(s, 0);
    l.take('a', 1);
    l.take('a', 2); // a is the most recently used, and nearly empty
    expect(l.take('d', 3)).toBe(true); // b dropped
    expect(l.take('a', 3)).toBe(false); // a kept its (empty) bucket
    expect(l.take('b', 3)).toBe(true); // b starts afresh
  });
});

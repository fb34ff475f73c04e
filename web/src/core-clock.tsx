import { useEffect, useState } from 'react';

/**
 * The core's clock as seen from the browser: the one clock every view shows. The core may run on
 * simulated, accelerated time (the twin), so "now" is estimated from the `at` of successive answers:
 * offset from the last one, rate from the last two (1 until there are two). The map places
 * satellites by it and the feed stamps events with it.
 */
export class ServerClock {
  private last: { local: number; server: number } | undefined;
  private rate = 1;

  observe(serverIso: string, local = performance.now()): void {
    const server = Date.parse(serverIso);
    if (!Number.isFinite(server)) return;
    if (this.last && local - this.last.local > 500) {
      const r = (server - this.last.server) / (local - this.last.local);
      // A paused or wildly jumping clock is not extrapolated beyond 10,000× real time.
      this.rate = Number.isFinite(r) ? Math.max(0, Math.min(10_000, r)) : 1;
    }
    this.last = { local, server };
  }

  now(local = performance.now()): number | undefined {
    return this.last ? this.last.server + (local - this.last.local) * this.rate : undefined;
  }

  /** How many times faster than the wall clock the core's runs (1: real time). */
  speed(): number {
    return this.rate;
  }
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) of a time, as every view writes the core's times. */
export const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** The core's time, re-read every `everyMs` (undefined until the clock has an observation). */
export function useCoreNow(clock: ServerClock, everyMs = 1000): number | undefined {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    const t = setInterval(() => setNow(clock.now()), everyMs);
    return () => clearInterval(t);
  }, [clock, everyMs]);
  return now;
}

/** The header's clock: the core's time in UTC, and its speed when it runs faster than real time (the twin). */
export function CoreClockBadge({ clock }: { clock: ServerClock }) {
  const now = useCoreNow(clock);
  if (now === undefined) return null;
  const speed = clock.speed();
  return (
    <span className="core-clock" data-testid="core-clock" title="Every time on these pages is the core's clock, in UTC">
      Core clock <time dateTime={new Date(now).toISOString()}>{utc(now)}</time> UTC{Math.abs(speed - 1) > 0.05 ? ` · simulated ×${speed.toFixed(0)}` : ''}
    </span>
  );
}

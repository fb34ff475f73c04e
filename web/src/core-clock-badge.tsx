import { useEffect, useState } from 'react';
import { type ServerClock, utc } from './core-clock';

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
      Core clock <time dateTime={new Date(now).toISOString()}>{utc(now)}</time> UTC
      {Math.abs(speed - 1) > 0.05 ? ` · simulated ×${speed.toFixed(0)}` : ''}
    </span>
  );
}

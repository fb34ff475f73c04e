import { Random } from './random.js';

/** Kinds of field signal the twin's stations produce. */
export type SignalKind = 'water-level' | 'conductor-temperature';

/** A labelled event: an injected sensor fault, or a flood wave's rise; the steps it covers [from, to]. */
export interface Fault {
  readonly kind: 'spike' | 'stuck' | 'dropout' | 'shift' | 'flood';
  readonly from: number;
  readonly to: number;
}

export interface LabelledSignal {
  readonly kind: SignalKind;
  readonly start: number;
  readonly stepMs: number;
  readonly y: number[];
  /** The faults injected and the floods' rises, in time order (the labels an evaluation scores against). */
  readonly faults: Fault[];
}

const HOUR = 3_600_000;

/**
 * A station's field signal over `days`, seeded: a water level (hourly; metres above a gauge datum:
 * a daily cycle, a semi-diurnal tide on estuary reaches, a slow seasonal drift, correlated noise and
 * a flood wave now and then) or a conductor temperature (every 10 min; °C: ambient's daily cycle,
 * the load's morning and evening peaks, noise). With `faults`, sensor faults are injected at random
 * places — a spike, a stuck reading, a dropout to 0, a level shift — and labelled.
 */
export function labelledSignal(
  kind: SignalKind,
  seed: number,
  opts: { days?: number; start?: number; faults?: boolean } = {},
): LabelledSignal {
  const rnd = new Random(seed);
  const days = opts.days ?? 30;
  const stepMs = kind === 'water-level' ? HOUR : 10 * 60_000;
  const perDay = 86_400_000 / stepMs;
  const n = days * perDay;
  const y = new Array<number>(n);
  const faults: Fault[] = [];
  let ar = 0;
  if (kind === 'water-level') {
    const base = 2 + rnd.next() * 8,
      daily = 0.05 + rnd.next() * 0.15,
      tide = rnd.next() < 0.4 ? 0.2 + rnd.next() * 0.6 : 0,
      drift = (rnd.next() - 0.5) * 0.02;
    const floods: Array<{ at: number; peak: number; width: number }> = [];
    for (let d = 0; d < days; d += 1)
      if (rnd.next() < 0.06)
        floods.push({ at: (d + rnd.next()) * perDay, peak: 0.5 + rnd.next() * 2, width: 12 + rnd.next() * 36 });
    // A flood's rise, onset to crest, is an event an operator wants noticed.
    for (const f of floods)
      if (f.at < n)
        faults.push({ kind: 'flood', from: Math.ceil(f.at), to: Math.min(n - 1, Math.floor(f.at + f.width)) });
    for (let i = 0; i < n; i++) {
      ar = 0.8 * ar + 0.02 * rnd.normal();
      const h = i % perDay;
      let v =
        base +
        drift * (i / perDay) +
        daily * Math.sin((2 * Math.PI * h) / perDay) +
        tide * Math.sin((2 * Math.PI * i) / 12.42) +
        ar;
      for (const f of floods) if (i >= f.at) v += f.peak * ((i - f.at) / f.width) * Math.exp(1 - (i - f.at) / f.width);
      y[i] = v;
    }
  } else {
    const ambient = 5 + rnd.next() * 25,
      swing = 4 + rnd.next() * 6,
      load = 8 + rnd.next() * 12;
    for (let i = 0; i < n; i++) {
      ar = 0.7 * ar + 0.3 * rnd.normal();
      const h = ((i % perDay) / perDay) * 24;
      const peaks = Math.exp(-((h - 9) ** 2) / 4) + 1.3 * Math.exp(-((h - 19.5) ** 2) / 3);
      y[i] = ambient + swing * Math.sin((2 * Math.PI * (h - 9)) / 24) + load * peaks + ar;
    }
  }
  if (opts.faults ?? true) {
    const scale = Math.max(0.05, spread(y));
    const count = Math.max(2, Math.round(days / 5));
    for (let k = 0; k < count; k++) {
      const at = perDay + rnd.int(n - 2 * perDay);
      if (faults.some((f) => at + perDay / 2 > f.from && at < f.to + perDay / 2)) continue;
      const kindOf = (['spike', 'stuck', 'dropout', 'shift'] as const)[rnd.int(4)]!;
      const len = kindOf === 'spike' ? 1 : kindOf === 'shift' ? perDay / 2 : Math.max(3, Math.round(perDay / 6));
      const to = Math.min(n - 1, at + len - 1);
      const sign = rnd.next() < 0.5 ? -1 : 1;
      for (let i = at; i <= to; i++) {
        if (kindOf === 'spike') y[i] = y[i]! + sign * (1 + rnd.next()) * scale;
        else if (kindOf === 'stuck') y[i] = y[at - 1]!;
        else if (kindOf === 'dropout') y[i] = 0;
        else y[i] = y[i]! + sign * 0.5 * scale;
      }
      faults.push({ kind: kindOf, from: at, to });
    }
    faults.sort((a, b) => a.from - b.from);
  }
  return { kind, start: opts.start ?? Date.UTC(2026, 5, 1), stepMs, y, faults };
}

/** The series' range between its 5th and 95th percentiles. */
function spread(y: readonly number[]): number {
  const s = [...y].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.95)]! - s[Math.floor(s.length * 0.05)]!;
}

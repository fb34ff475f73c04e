import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A forecast drawn after the observations: its likeliest course and the interval's bounds, x in Unix seconds. */
export interface ChartForecast {
  readonly xs: readonly number[];
  readonly value: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}
/** A value the anomaly model flagged, at its capture time (Unix seconds). */
export interface ChartAnomaly {
  readonly x: number;
  readonly y: number;
}

const GRID = { stroke: '#1e293b' };
const ACCENT = '#38bdf8',
  BAND = 'rgba(251, 191, 36, 0.22)',
  BAND_EDGE = 'rgba(251, 191, 36, 0.5)',
  ANOMALY = '#f87171',
  FORECAST = '#fbbf24';
/** Times on the axes in UTC, as every other time the dashboard shows. */
const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

/**
 * One decoded numeric field over time (uPlot): the observations, with the values the anomaly model
 * flagged as red dots and, when given, a forecast (dashed amber) in its prediction band after them.
 */
export function FieldChart({
  name,
  xs,
  ys,
  anomalies = [],
  forecast,
  height = 160,
}: {
  name: string;
  xs: number[];
  ys: number[];
  anomalies?: readonly ChartAnomaly[];
  forecast?: ChartForecast | undefined;
  height?: number;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const width = Math.max(260, el.current.clientWidth || 360);
    const n = xs.length,
      f = forecast?.xs.length ?? 0;
    const x = [...xs, ...(forecast?.xs ?? [])];
    const pad = (head: number, values: readonly (number | null)[], tail: number) => [
      ...Array<null>(head).fill(null),
      ...values,
      ...Array<null>(tail).fill(null),
    ];
    const flagged = new Map(anomalies.map((a) => [a.x, a.y]));
    const data: (number | null)[][] = [
      x,
      pad(0, ys, f),
      pad(
        0,
        xs.map((t) => flagged.get(t) ?? null),
        f,
      ),
    ];
    const series: uPlot.Series[] = [
      {},
      { label: name, stroke: ACCENT, width: 2, points: { show: n < 60 } },
      {
        label: 'unusual',
        stroke: ANOMALY,
        paths: () => null,
        points: { show: true, size: 9, fill: ANOMALY, stroke: ANOMALY },
      },
    ];
    const bands: uPlot.Band[] = [];
    if (forecast && f > 0) {
      // The forecast starts from the last observation, so the two lines join.
      const last = ys[n - 1] ?? null;
      data.push(
        pad(n - 1, [last, ...forecast.value], 0),
        pad(n - 1, [last, ...forecast.upper], 0),
        pad(n - 1, [last, ...forecast.lower], 0),
      );
      series.push(
        { label: 'forecast', stroke: FORECAST, width: 2, dash: [6, 4], points: { show: false } },
        { label: 'upper', stroke: BAND_EDGE, width: 1, points: { show: false } },
        { label: 'lower', stroke: BAND_EDGE, width: 1, points: { show: false } },
      );
      bands.push({ series: [4, 5], fill: BAND });
    }
    const plot = new uPlot(
      {
        width,
        height,
        title: name,
        tzDate: utc,
        bands,
        axes: [
          { stroke: '#cbd5e1', grid: GRID },
          { stroke: '#cbd5e1', grid: GRID },
        ],
        series,
        legend: { show: false },
      },
      data as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [name, xs, ys, anomalies, forecast, height]);
  const label =
    `${name} over time` +
    `${anomalies.length ? `, ${anomalies.length} unusual value${anomalies.length > 1 ? 's' : ''} marked` : ''}` +
    `${forecast ? ', with a forecast and its band' : ''}`;
  return (
    <div
      className="chart"
      ref={el}
      role="img"
      aria-label={label}
      data-anomalies={anomalies.length}
      data-forecast={forecast?.xs.length ?? 0}
    />
  );
}

/** Numeric leaves of a decoded object as dotted paths ("values.waterLevelM": 3.2). */
export function numericFields(o: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) out[prefix + k] = v;
      else if (v && typeof v === 'object' && !Array.isArray(v)) numericFields(v, `${prefix}${k}.`, out);
    }
  }
  return out;
}

/** A measurement of a decoded payload: the name shown, the path rules and the API name it by, its value. */
export interface Measurement {
  readonly name: string;
  readonly path: string;
  readonly value: number;
}

/**
 * The measurements of a decoded payload: its `values.*` numbers when the codec groups them so (SL 651,
 * line monitoring), shown without the prefix; otherwise every numeric leaf.
 */
export function measurementList(decoded: unknown): Measurement[] {
  const all = Object.entries(numericFields(decoded));
  const values = all.filter(([k]) => k.startsWith('values.'));
  return values.length
    ? values.map(([path, value]) => ({ name: path.slice('values.'.length), path, value }))
    : all.map(([path, value]) => ({ name: path, path, value }));
}

/** The measurements by name ("waterLevelM": 3.2). */
export function measurements(decoded: unknown): Record<string, number> {
  return Object.fromEntries(measurementList(decoded).map((m) => [m.name, m.value]));
}

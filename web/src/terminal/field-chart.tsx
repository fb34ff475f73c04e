import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One decoded numeric field over time (uPlot): x in Unix seconds, y the values. */
export function FieldChart({ name, xs, ys }: { name: string; xs: number[]; ys: number[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const width = Math.max(260, el.current.clientWidth || 360);
    const plot = new uPlot({
      width, height: 160, title: name,
      axes: [{ stroke: '#cbd5e1', grid: { stroke: '#1e293b' } }, { stroke: '#cbd5e1', grid: { stroke: '#1e293b' } }],
      series: [{}, { label: name, stroke: '#38bdf8', width: 2, points: { show: xs.length < 60 } }],
      legend: { show: false },
    }, [xs, ys], el.current);
    return () => plot.destroy();
  }, [name, xs, ys]);
  return <div className="chart" ref={el} role="img" aria-label={`${name} over time`} />;
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

/**
 * The measurements of a decoded payload: its `values.*` numbers when the codec groups them so (SL 651,
 * line monitoring), without the prefix; otherwise every numeric leaf.
 */
export function measurements(decoded: unknown): Record<string, number> {
  const all = numericFields(decoded);
  const values = Object.entries(all).filter(([k]) => k.startsWith('values.'));
  return values.length ? Object.fromEntries(values.map(([k, v]) => [k.slice('values.'.length), v])) : all;
}

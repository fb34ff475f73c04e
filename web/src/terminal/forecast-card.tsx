import { useEffect, useMemo, useState } from 'react';
import { ApiError, type Response } from '../api/client';
import type { Ctx } from '../session';
import { FieldChart, type ChartAnomaly, type ChartForecast } from './field-chart';

type Forecast = Response<'GET /api/v1/terminals/{devEui}/forecast'>;
type Anomalies = Response<'GET /api/v1/terminals/{devEui}/anomalies'>['anomalies'];

/** A charted field: its name, the path the API names it by, its observations (x in Unix seconds). */
export interface FieldSeries {
  readonly name: string;
  readonly path: string;
  readonly xs: number[];
  readonly ys: number[];
}

const HORIZON = 24;
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * The anomaly model's verdicts on each charted field (GET …/anomalies), fetched again whenever a new
 * message arrives; keyed by field path. Fields the model cannot judge yet (fewer than 8 values) have none.
 */
export function useAnomalies(
  ctx: Ctx,
  devEui: string,
  fields: readonly FieldSeries[],
  newest: string | undefined,
): Map<string, Anomalies> {
  const [byPath, setByPath] = useState(new Map<string, Anomalies>());
  const paths = fields.map((f) => f.path).join(',');
  useEffect(() => {
    if (!newest || !paths) return;
    let live = true;
    Promise.all(
      paths.split(',').map((field) =>
        ctx.api.call('GET /api/v1/terminals/{devEui}/anomalies', { params: { devEui }, query: { field } }).then(
          (r) => [field, r.anomalies] as const,
          () => [field, [] as Anomalies] as const,
        ),
      ),
    ).then(
      (all) => {
        if (live) setByPath(new Map(all));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [ctx.api, devEui, paths, newest]);
  return byPath;
}

/** The anomalies of one field as chart markers, at the observations they flag. */
export function markers(f: FieldSeries, found: Anomalies | undefined): ChartAnomaly[] {
  const seen = new Set(f.xs);
  return (found ?? []).map((a) => ({ x: seconds(a.timestamp), y: a.value })).filter((a) => seen.has(a.x));
}

/**
 * The forecast of a chosen field (GET …/forecast, 24 steps at the series' own spacing, 80 % interval)
 * drawn after its observations, in its band, with the unusual values marked and said in words.
 */
export function ForecastCard({
  ctx,
  devEui,
  fields,
  anomalies,
  newest,
}: {
  ctx: Ctx;
  devEui: string;
  fields: readonly FieldSeries[];
  anomalies: Map<string, Anomalies>;
  newest: string | undefined;
}) {
  const preferred = fields.find((f) => /level|temperature|rain/i.test(f.name)) ?? fields[0];
  const [picked, setPicked] = useState<string | undefined>();
  const field = fields.find((f) => f.path === picked) ?? preferred;
  const [forecast, setForecast] = useState<Forecast | undefined>();
  const [note, setNote] = useState<string | undefined>();
  useEffect(() => {
    if (!field || !newest) return;
    let live = true;
    ctx.api
      .call('GET /api/v1/terminals/{devEui}/forecast', {
        params: { devEui },
        query: { field: field.path, horizon: HORIZON },
      })
      .then(
        (r) => {
          if (live) {
            setForecast(r);
            setNote(undefined);
          }
        },
        (e: Error) => {
          if (live) {
            setForecast(undefined);
            setNote(
              e instanceof ApiError && e.code === 'SERIES_INVALID'
                ? 'Not enough values to forecast yet (8 are needed).'
                : e.message,
            );
          }
        },
      );
    return () => {
      live = false;
    };
  }, [ctx.api, devEui, field?.path, newest]);
  const band = useMemo<ChartForecast | undefined>(
    () =>
      forecast && forecast.field === field?.path
        ? {
            xs: forecast.forecast.map((p) => seconds(p.timestamp)),
            value: forecast.forecast.map((p) => p.value),
            lower: forecast.forecast.map((p) => p.lower),
            upper: forecast.forecast.map((p) => p.upper),
          }
        : undefined,
    [forecast, field?.path],
  );
  const found = useMemo(() => (field ? (anomalies.get(field.path) ?? []) : []), [anomalies, field]);
  const dots = useMemo(() => (field ? markers(field, found) : []), [field, found]);
  if (!field) return null;
  const end = forecast?.forecast.at(-1);
  const model = forecast?.model as { kind?: string; level?: number } | undefined;
  return (
    <div className="card forecast" data-testid="forecast-card">
      <h3>Forecast and unusual values</h3>
      <label>
        Field{' '}
        <select value={field.path} onChange={(e) => setPicked(e.target.value)}>
          {fields.map((f) => (
            <option key={f.path} value={f.path}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <FieldChart name={field.name} xs={field.xs} ys={field.ys} anomalies={dots} forecast={band} height={220} />
      {end && forecast ? (
        <p data-testid="forecast-summary">
          {field.name} at {when(end.timestamp)} UTC: <strong>{fmt(end.value)}</strong> ({fmt(end.lower)} to{' '}
          {fmt(end.upper)}, {Math.round((model?.level ?? 0.8) * 100)} % interval), from {forecast.observations} values
          {model?.kind ? ` by ${model.kind}` : ''}. <span className="legend-key forecast">dashed</span> forecast,{' '}
          <span className="legend-key band">shaded</span> interval.
        </p>
      ) : (
        <p className="muted">{note ?? 'forecasting…'}</p>
      )}
      {found.length ? (
        <details data-testid="anomaly-list">
          <summary>
            <span className="legend-key anomaly">●</span> {found.length} unusual value{found.length > 1 ? 's' : ''} of{' '}
            {field.name}
          </summary>
          <ul>
            {found
              .slice(-10)
              .reverse()
              .map((a) => (
                <li key={a.timestamp}>
                  {when(a.timestamp)}: {fmt(a.value)}, expected {fmt(a.expected)} ({fmt(a.lower)} to {fmt(a.upper)}),{' '}
                  {a.reason}, score {a.score.toFixed(2)}
                </li>
              ))}
          </ul>
        </details>
      ) : (
        <p className="muted">No unusual {field.name} values.</p>
      )}
    </div>
  );
}

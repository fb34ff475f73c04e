import { useEffect, useState } from 'react';
import type { Response } from '../api/client';
import { linkProps } from '../router';
import type { Ctx } from '../session';
import { SECTOR_COLOURS, sectorOf, type Sector } from '../terminal-sector';
import { measurements } from '../terminal/field-chart';
import { useTerminals } from '../use-terminals';

type Rule = Response<'GET /api/v1/rules'>['items'][number];
type Alarm = Response<'GET /api/v1/alarms'>['items'][number];

const TITLES: Record<Exclude<Sector, 'other'>, string> = {
  logistics: 'Logistics: fleet and geofences',
  power: 'Power: line sections and their alarm state',
  water: 'Water: stations against their warning lines',
};
/** Terminals whose last values are read (one request each). */
const READ_LIMIT = 60;

interface Line {
  field: string;
  op: string;
  value: number;
  name: string;
  devEuis?: string[] | undefined;
}

/**
 * The warning lines of the tenant's rules: thresholds on a field (`>`, `>=`, …) and rates of rise
 * (shown as `rise`), each with the terminals its rule is limited to.
 */
function warningLines(rules: Rule[]): Line[] {
  const out: Line[] = [];
  const walk = (c: unknown, name: string, devEuis: string[] | undefined) => {
    if (!c || typeof c !== 'object') return;
    const o = c as Record<string, unknown>;
    if (o['kind'] === 'threshold' && typeof o['field'] === 'string' && typeof o['value'] === 'number')
      out.push({ field: o['field'], op: String(o['op']), value: o['value'], name, devEuis });
    if (o['kind'] === 'rate' && typeof o['field'] === 'string' && typeof o['rise'] === 'number')
      out.push({
        field: o['field'],
        op: `rise in ${String(o['windowMinutes'] ?? '?')} min`,
        value: o['rise'],
        name,
        devEuis,
      });
    for (const v of Object.values(o))
      if (Array.isArray(v)) v.forEach((x) => walk(x, name, devEuis));
      else if (v && typeof v === 'object') walk(v, name, devEuis);
  };
  for (const r of rules) {
    const scope = r['scope'] as { devEuis?: string[] } | undefined;
    walk(
      r['condition'],
      String(r['name'] ?? r.id),
      scope?.devEuis?.map((d) => d.toLowerCase()),
    );
  }
  return out;
}

/** A value on the wrong side of a warning line. */
function crossed(v: number, op: string, line: number): boolean {
  return op === '>' ? v > line : op === '>=' ? v >= line : op === '<' ? v < line : op === '<=' ? v <= line : false;
}

/** The industry views: each sector's terminals with their last values, open alarms and the rules' warning lines. */
export function SolutionsView({ ctx }: { ctx: Ctx }) {
  const { api, tenantId } = ctx;
  const { terminals } = useTerminals(ctx);
  const [rules, setRules] = useState<Rule[]>([]);
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [values, setValues] = useState<Record<string, { at: string; fields: Record<string, number> }>>({});
  useEffect(() => {
    if (!tenantId) return;
    api.call('GET /api/v1/rules', { query: { tenantId } }).then(
      (r) => setRules(r.items),
      () => setRules([]),
    );
    api.call('GET /api/v1/alarms', { query: { tenantId, state: 'open', limit: 500 } }).then(
      (r) => setAlarms(r.items),
      () => setAlarms([]),
    );
  }, [api, tenantId]);
  useEffect(() => {
    let live = true;
    (async () => {
      for (const t of terminals.filter((x) => sectorOf(x.codec) !== 'other').slice(0, READ_LIMIT)) {
        const m = await api
          .call('GET /api/v1/terminals/{devEui}/messages', { params: { devEui: t.devEui }, query: { limit: 1 } })
          .catch(() => undefined);
        const last = m?.items[0];
        if (!live) return;
        if (last?.decode?.decoded)
          setValues((o) => ({ ...o, [t.devEui]: { at: last.capturedAt, fields: measurements(last.decode?.decoded) } }));
      }
    })();
    return () => {
      live = false;
    };
  }, [api, terminals]);
  const lines = warningLines(rules);
  return (
    <section className="page" tabIndex={0}>
      <h2>Solutions</h2>
      {!tenantId ? <p className="muted">Pick a tenant.</p> : null}
      {(Object.keys(TITLES) as Array<keyof typeof TITLES>).map((sector) => {
        const list = terminals.filter((t) => sectorOf(t.codec) === sector);
        return (
          <div className="card" key={sector}>
            <h3>
              <span className="dot" style={{ background: SECTOR_COLOURS[sector] }} />
              {TITLES[sector]} <small className="muted">{list.length} terminals</small>
            </h3>
            {list.length === 0 ? (
              <p className="muted">No {sector} terminals.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>terminal</th>
                    <th>open alarms</th>
                    <th>last values</th>
                    <th>warning lines</th>
                  </tr>
                </thead>
                <tbody>
                  {list.slice(0, 200).map((t) => {
                    const v = values[t.devEui];
                    const open = alarms.filter((a) => a.devEui === t.devEui);
                    const warn = lines.flatMap((l) => {
                      if (l.devEuis && !l.devEuis.includes(t.devEui)) return [];
                      const f = v && Object.keys(v.fields).find((k) => l.field === k || l.field.endsWith(`.${k}`));
                      return f && v ? [{ ...l, now: v.fields[f] ?? NaN }] : [];
                    });
                    return (
                      <tr key={t.devEui} className={open.length ? 'alarmed' : ''}>
                        <td>
                          <a {...linkProps(`/terminals/${t.devEui}`)}>{t.devEui}</a>
                        </td>
                        <td>{open.length ? <span className="pill raised">{open.length} open</span> : 'ok'}</td>
                        <td>
                          {v
                            ? Object.entries(v.fields)
                                .slice(0, 4)
                                .map(([k, x]) => `${k} ${x}`)
                                .join(' · ')
                            : '—'}
                        </td>
                        <td>
                          {warn.length === 0
                            ? '—'
                            : warn.map((l, i) => (
                                <span key={i} className={crossed(l.now, l.op, l.value) ? 'crossed' : ''} title={l.name}>
                                  {i ? ' · ' : ''}
                                  {l.field.replace(/^values\./, '')} {l.op} {l.value}
                                </span>
                              ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </section>
  );
}

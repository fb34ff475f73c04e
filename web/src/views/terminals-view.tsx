import { linkProps } from '../router';
import type { Ctx } from '../session';
import { sectorOf, SECTOR_COLOURS } from '../terminal-sector';
import { useTerminals } from '../use-terminals';

/** The terminals of the tenant, each linking to its page. */
export function TerminalsView({ ctx }: { ctx: Ctx }) {
  const { terminals } = useTerminals(ctx);
  return (
    <section className="page" tabIndex={0}>
      <h2>
        Terminals <small className="muted">{terminals.length}</small>
      </h2>
      <table>
        <thead>
          <tr>
            <th>DevEUI</th>
            <th>sector</th>
            <th>profile</th>
            <th>codec</th>
            <th>position</th>
            <th>enabled</th>
          </tr>
        </thead>
        <tbody>
          {terminals.map((t) => (
            <tr key={t.devEui}>
              <td>
                <a {...linkProps(`/terminals/${t.devEui}`)}>{t.devEui}</a>
              </td>
              <td>
                <span className="dot" style={{ background: SECTOR_COLOURS[sectorOf(t.codec)] }} />
                {sectorOf(t.codec)}
              </td>
              <td>{t.profile}</td>
              <td>{t.codec ?? '—'}</td>
              <td>
                {t.location?.lat !== undefined
                  ? `${t.location.lat.toFixed(3)}, ${t.location.lon?.toFixed(3)}`
                  : 'moving / reported'}
              </td>
              <td>{t.enabled ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

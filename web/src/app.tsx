import { useEffect, useMemo, useState } from 'react';
import { ApiClient, ApiError, type Response } from './api/client';
import { forgetKey, storedKey, storeKey, takeFragmentCredential } from './auth/session-key';
import { linkProps, navigate, usePath } from './router';
import { can, type Ctx, type SessionInfo } from './session';
import { SignIn } from './sign-in';
import { LiveView } from './views/live-view';
import { TerminalsView } from './views/terminals-view';
import { TerminalPage } from './terminal/terminal-page';
import { AlarmsView } from './views/alarms-view';
import { DecisionsView } from './views/decisions-view';
import { KpiView } from './views/kpi-view';
import { SolutionsView } from './views/solutions-view';
import { SupervisionView } from './views/supervision-view';
import { IntegrationsView } from './views/integrations-view';
import { NetworkView } from './views/network-view';
import { ServerClock } from './core-clock';
import { CoreClockBadge } from './core-clock-badge';

type Tenants = Response<'GET /api/v1/tenants'>['items'];

/** Signs in (form, `#key=` or a one-time `#signin=` link), then shows the views the key's role may see. */
export function App() {
  const [key, setKey] = useState<string | undefined>(() => storedKey());
  const [session, setSession] = useState<SessionInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tenants, setTenants] = useState<Tenants>([]);
  const [picked, setPicked] = useState<string | undefined>(() => sessionStorage.getItem('satiot.tenant') ?? undefined);
  const path = usePath();

  useEffect(() => {
    const cred = takeFragmentCredential();
    if (cred?.kind === 'key') {
      storeKey(cred.value);
      setKey(cred.value);
    }
    if (cred?.kind === 'signin') {
      new ApiClient('')
        .call('POST /api/v1/sign-in', { body: { token: cred.value } })
        .then((r) => {
          storeKey(r.key);
          setKey(r.key);
        })
        .catch((e: Error) => setError(`The sign-in link did not work (${e.message}); links work once.`));
    }
  }, []);

  const api = useMemo(() => (key ? new ApiClient(key) : undefined), [key]);
  const clock = useMemo(() => new ServerClock(), [key]);
  useEffect(() => {
    if (!api) return;
    api.call('GET /api/v1/session').then(
      (s) => {
        setSession(s);
        setError(undefined);
      },
      (e: Error) => {
        if (e instanceof ApiError && e.status === 401) {
          forgetKey();
          setKey(undefined);
          setError('That key is unknown, revoked or expired.');
        } else setError(e.message);
      },
    );
    api.call('GET /api/v1/tenants').then(
      (r) => setTenants(r.items),
      () => setTenants([]),
    );
  }, [api]);

  if (!api || !session)
    return (
      <SignIn
        error={error}
        onKey={(k) => {
          storeKey(k);
          setKey(k);
        }}
      />
    );
  const tenantId = session.tenantId ?? picked ?? tenants[0]?.id;
  const ctx: Ctx = { api, session, tenantId, clock };
  const signOut = () => {
    forgetKey();
    setKey(undefined);
    setSession(undefined);
    navigate('/');
  };
  const nav: Array<[string, string, boolean]> = [
    ['/', 'Live', true],
    ['/terminals', 'Terminals', true],
    ['/solutions', 'Solutions', true],
    ['/alarms', 'Alarms', true],
    ['/decisions', 'Decisions', true],
    ['/kpis', 'KPIs', true],
    ['/network', 'Network', can.seeStations(session.role)],
    ['/integrations', 'Integrations', can.seeIntegrations(session.role)],
    ['/supervision', 'Supervision', can.supervise(session.role)],
  ];
  const terminal = /^\/terminals\/([0-9a-fA-F]{16})$/.exec(path)?.[1];
  let view;
  if (terminal) view = <TerminalPage ctx={ctx} devEui={terminal.toLowerCase()} />;
  else if (path === '/terminals') view = <TerminalsView ctx={ctx} />;
  else if (path === '/alarms') view = <AlarmsView ctx={ctx} />;
  else if (path === '/decisions') view = <DecisionsView ctx={ctx} />;
  else if (path === '/kpis') view = <KpiView ctx={ctx} />;
  else if (path === '/solutions') view = <SolutionsView ctx={ctx} />;
  else if (path === '/supervision' && can.supervise(session.role)) view = <SupervisionView ctx={ctx} />;
  else if (path === '/integrations' && can.seeIntegrations(session.role)) view = <IntegrationsView ctx={ctx} />;
  else if (path === '/network' && can.seeStations(session.role)) view = <NetworkView ctx={ctx} />;
  else view = <LiveView key={tenantId} ctx={ctx} />;
  return (
    <div className="app">
      <header className="top">
        <a className="brand" {...linkProps('/')}>
          satiot
        </a>
        <nav aria-label="Views">
          {nav
            .filter(([, , shown]) => shown)
            .map(([to, label]) => (
              <a
                key={to}
                {...linkProps(to)}
                aria-current={(to === '/' ? path === '/' : path.startsWith(to)) ? 'page' : undefined}
              >
                {label}
              </a>
            ))}
        </nav>
        <div className="who">
          <CoreClockBadge clock={clock} />
          {can.pickTenant(session) ? (
            <label>
              Tenant{' '}
              <select
                value={tenantId ?? ''}
                onChange={(e) => {
                  sessionStorage.setItem('satiot.tenant', e.target.value);
                  setPicked(e.target.value);
                }}
                data-testid="tenant"
              >
                {tenants.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <span className="pill role">{session.role}</span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main>{view}</main>
    </div>
  );
}

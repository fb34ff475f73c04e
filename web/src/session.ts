import type { ApiClient, Response } from './api/client';
import type { ServerClock } from './core-clock';

export type SessionInfo = Response<'GET /api/v1/session'>;
type Role = SessionInfo['role'];

/** What a role may do, as the API decides it (src/api/auth.ts): the dashboard hides what would answer 403. */
export const can = {
  seeStations: (r: Role) => r === 'operator' || r === 'regulator',
  listenToEvents: (r: Role) => r !== 'regulator',
  sendDownlinks: (r: Role) => r !== 'regulator',
  handleAlarms: (r: Role) => r === 'operator' || r === 'tenant-admin',
  supervise: (r: Role) => r === 'operator' || r === 'regulator',
  reviewRegistrations: (r: Role) => r === 'operator',
  seeIntegrations: (r: Role) => r === 'operator' || r === 'tenant-admin' || r === 'regulator',
  pickTenant: (s: SessionInfo) => s.tenantId === null,
};

export interface Ctx {
  api: ApiClient;
  session: SessionInfo;
  /** The tenant the views show (a tenant key's own; for operators and regulators the one picked). */
  tenantId: string | undefined;
  /** The core's clock, the one every view shows (core-clock.tsx). */
  clock: ServerClock;
}

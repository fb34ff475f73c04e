import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { parseChoice, parseNumber } from '../options.js';
import { runAction } from '../run-action.js';
import { print, withConn, type Conn } from '../server-flags.js';
import { formatTable } from '../table.js';
import { CRYPTO_SUITES, ROLES, TERMINAL_PROFILES } from '../../core/model.js';

interface Terminal {
  id: string;
  tenantId: string;
  devEui: string;
  devAddr: string;
  suite: string;
  profile: string;
  enabled: boolean;
  createdAt: string;
  transport?: string;
  imei?: string;
}
interface Station {
  id: string;
  name: string;
  lat: number;
  lon: number;
  altM: number;
  enabled: boolean;
  tokenRevoked?: boolean;
}

interface ApiKey {
  id: string;
  role: string;
  tenantId: string | null;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** `satiot tenants|terminals|ground-stations|api-keys …`: provisioning through a running server. */
export function registerRegistryCommands(program: Command): void {
  const keys = program
    .command('api-keys')
    .description('API keys (through a running server): shown once, stored hashed');
  withConn(
    keys
      .command('add')
      .description('Create an API key and print it once')
      .requiredOption('--role <role>', ROLES.join(' | '))
      .option('--tenant <id>', 'tenant of a tenant-admin or tenant-user key')
      .option('--name <name>', 'who or what uses it')
      .option('--expires <iso>', 'expiry time (ISO 8601)'),
  ).action(
    runAction(async (o: Conn & { role: string; tenant?: string; name?: string; expires?: string }) => {
      const body = {
        role: parseChoice(o.role, '--role', ROLES),
        ...(o.tenant ? { tenantId: o.tenant } : {}),
        ...(o.name ? { name: o.name } : {}),
        ...(o.expires ? { expiresAt: o.expires } : {}),
      };
      const k = await ApiClient.fromFlags(o).request<ApiKey & { key: string }>('POST', '/api/v1/api-keys', body);
      print(
        o.format,
        k,
        () => `API key ${k.id} (${k.role}${k.tenantId ? ` of ${k.tenantId}` : ''})\n  key (shown once): ${k.key}\n`,
      );
    }),
  );
  withConn(
    keys.command('list').description('List API keys (never the keys themselves)').option('--tenant <id>'),
  ).action(
    runAction(async (o: Conn & { tenant?: string }) => {
      const r = await ApiClient.fromFlags(o).request<{ items: ApiKey[] }>(
        'GET',
        `/api/v1/api-keys${o.tenant ? `?tenantId=${encodeURIComponent(o.tenant)}` : ''}`,
      );
      print(o.format, r, () =>
        formatTable(
          ['id', 'prefix', 'role', 'tenant', 'name', 'expires', 'revoked'],
          r.items.map((k) => [k.id, k.prefix, k.role, k.tenantId ?? '', k.name, k.expiresAt ?? '', k.revokedAt ?? '']),
        ),
      );
    }),
  );
  withConn(keys.command('revoke').description('Revoke an API key').argument('<id>', 'key id (from list)')).action(
    runAction(async (id: string, o: Conn) => {
      const k = await ApiClient.fromFlags(o).request<ApiKey>('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`);
      print(o.format, k, () => `API key ${k.id} revoked at ${k.revokedAt}\n`);
    }),
  );

  const tenants = program.command('tenants').description('Tenants (through a running server)');
  withConn(tenants.command('add').description('Create a tenant').requiredOption('--name <name>')).action(
    runAction(async (o: Conn & { name: string }) => {
      const t = await ApiClient.fromFlags(o).request<{ id: string; name: string }>('POST', '/api/v1/tenants', {
        name: o.name,
      });
      print(o.format, t, () => `tenant ${t.id}  ${t.name}\n`);
    }),
  );
  withConn(tenants.command('list').description('List tenants')).action(
    runAction(async (o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{ items: Array<{ id: string; name: string; createdAt: string }> }>(
        'GET',
        '/api/v1/tenants',
      );
      print(o.format, r, () =>
        formatTable(
          ['id', 'name', 'created'],
          r.items.map((t) => [t.id, t.name, t.createdAt]),
        ),
      );
    }),
  );

  const terminals = program.command('terminals').description('Terminals (through a running server)');
  withConn(
    terminals
      .command('add')
      .description('Register a LoRaWAN ABP terminal (DevEUI, DevAddr, keys), or an Iridium SBD modem by --imei')
      .requiredOption('--tenant <id>', 'tenant id')
      .option('--dev-eui <hex16>', "DevEUI (an Iridium terminal's defaults to 0 + its IMEI)")
      .option('--dev-addr <hex8>', 'LoRaWAN DevAddr')
      .option('--nwk-s-key <hex32>', 'LoRaWAN network session key')
      .option('--app-s-key <hex32>', 'LoRaWAN application session key')
      .option(
        '--imei <15 digits>',
        'an Iridium SBD modem: heard over DirectIP (serve --directip-mo), no LoRaWAN session',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  satiot terminals add --tenant <id> --dev-eui 70b3d57ed0000001 --dev-addr 26011f01 ' +
          '--nwk-s-key <32 hex> --app-s-key <32 hex>\n  satiot terminals add --tenant <id> --imei ' +
          '300234010753370 --profile vessel\n',
      )
      .option('--suite <aes128|sm4>', 'crypto suite', 'aes128')
      .option('--profile <p>', TERMINAL_PROFILES.join(' | '), 'fixed-collector')
      .option('--messages-per-day <n>', 'expected messages per day', '24')
      .option('--lat <deg>')
      .option('--lon <deg>')
      .option('--alt-m <m>', 'registered position of a fixed terminal', '0'),
  ).action(
    runAction(
      async (
        o: Conn & {
          tenant: string;
          devEui?: string;
          devAddr?: string;
          nwkSKey?: string;
          appSKey?: string;
          imei?: string;
          suite: string;
          profile: string;
          messagesPerDay: string;
          lat?: string;
          lon?: string;
          altM: string;
        },
      ) => {
        const identity =
          o.imei !== undefined
            ? { transport: 'iridium-sbd', imei: o.imei, ...(o.devEui ? { devEui: o.devEui } : {}) }
            : {
                devEui: required(o.devEui, '--dev-eui'),
                devAddr: required(o.devAddr, '--dev-addr'),
                nwkSKey: required(o.nwkSKey, '--nwk-s-key'),
                appSKey: required(o.appSKey, '--app-s-key'),
                suite: parseChoice(o.suite, '--suite', CRYPTO_SUITES),
              };
        const body = {
          tenantId: o.tenant,
          ...identity,
          profile: parseChoice(o.profile, '--profile', TERMINAL_PROFILES),
          expectedMessagesPerDay: parseNumber(o.messagesPerDay, '--messages-per-day', 0, 100_000),
          ...(o.lat !== undefined && o.lon !== undefined
            ? {
                location: {
                  lat: parseNumber(o.lat, '--lat', -90, 90),
                  lon: parseNumber(o.lon, '--lon', -180, 180),
                  altM: parseNumber(o.altM, '--alt-m', -500, 100_000),
                },
              }
            : {}),
        };
        const t = await ApiClient.fromFlags(o).request<Terminal>('POST', '/api/v1/terminals', body);
        print(o.format, t, () => `terminal ${t.devEui} (${t.id}) registered for tenant ${t.tenantId}\n`);
      },
    ),
  );
  withConn(
    terminals
      .command('import')
      .description(
        'Register many terminals from a CSV file in one bulk request (up to 100,000 rows; one result per row)',
      )
      .requiredOption('--tenant <id>', 'tenant the rows belong to')
      .argument(
        '<file.csv>',
        'header row; columns devEui, devAddr, nwkSKey, appSKey (required), suite, profile, codec, lat, lon, ' +
          'altM, expectedMessagesPerDay',
      )
      .addHelpText(
        'after',
        '\nRows that fail are listed with their line and code, and the exit code is 2; the others are ' +
          'registered.\n\nExample:\n  satiot terminals import --tenant <id> fleet.csv\n',
      ),
  ).action(
    runAction(async (file: string, o: Conn & { tenant: string }) => {
      let csv: string;
      try {
        csv = readFileSync(resolve(file), 'utf8');
      } catch {
        throw new SatiotError('FILE_NOT_READABLE', `cannot read ${file}`);
      }
      const r = await ApiClient.fromFlags(o).requestText<{
        created: number;
        rejected: number;
        results: Array<{ line: number; devEui?: string; status: string; code?: string; message?: string }>;
      }>('POST', `/api/v1/terminals/import?tenantId=${encodeURIComponent(o.tenant)}`, csv, 'text/csv');
      const bad = r.results.filter((x) => x.status !== 'created');
      print(
        o.format,
        r,
        () =>
          (bad.length > 0
            ? formatTable(
                ['line', 'devEui', 'code', 'message'],
                bad.map((x) => [String(x.line), x.devEui ?? '', x.code ?? '', x.message ?? '']),
              )
            : '') + `${r.created} terminals registered, ${r.rejected} rejected\n`,
      );
      if (r.rejected > 0) process.exitCode = 2;
    }),
  );
  withConn(
    terminals
      .command('reset-counters')
      .description(
        "Reset a LoRaWAN terminal's uplink counters (operators; audited): an ABP terminal that restarted " +
          'counting from 0 is heard again, its earlier messages kept',
      )
      .argument('<devEui>'),
  ).action(
    runAction(async (devEui: string, o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{ devEui: string; epoch: number; previousTop: number }>(
        'POST',
        `/api/v1/terminals/${encodeURIComponent(devEui)}/counters/reset`,
      );
      print(o.format, r, () =>
        formatTable(['devEui', 'epoch', 'previous top'], [[r.devEui, String(r.epoch), String(r.previousTop)]]),
      );
    }),
  );
  withConn(terminals.command('list').description('List terminals').option('--tenant <id>')).action(
    runAction(async (o: Conn & { tenant?: string }) => {
      const client = ApiClient.fromFlags(o);
      const items: Terminal[] = [];
      let cursor: string | undefined;
      do {
        const q = new URLSearchParams({
          limit: '1000',
          ...(o.tenant ? { tenantId: o.tenant } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const page = await client.request<{ items: Terminal[]; nextCursor?: string }>('GET', `/api/v1/terminals?${q}`);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      print(o.format, { items }, () =>
        formatTable(
          ['devEui', 'devAddr / IMEI', 'suite', 'profile', 'enabled', 'tenant'],
          items.map((t) => [
            t.devEui,
            t.imei !== undefined ? `IMEI ${t.imei}` : t.devAddr,
            t.transport === 'iridium-sbd' ? 'iridium' : t.suite,
            t.profile,
            t.enabled ? 'yes' : 'no',
            t.tenantId,
          ]),
        ),
      );
    }),
  );

  const stations = program.command('ground-stations').description('Ground stations (through a running server)');
  withConn(
    stations
      .command('add')
      .description('Register a ground station; prints its token once')
      .requiredOption('--name <name>')
      .requiredOption('--lat <deg>')
      .requiredOption('--lon <deg>')
      .option('--alt-m <m>', 'altitude', '0'),
  ).action(
    runAction(async (o: Conn & { name: string; lat: string; lon: string; altM: string }) => {
      const r = await ApiClient.fromFlags(o).request<{ id: string; token: string }>('POST', '/api/v1/ground-stations', {
        name: o.name,
        lat: parseNumber(o.lat, '--lat', -90, 90),
        lon: parseNumber(o.lon, '--lon', -180, 180),
        altM: parseNumber(o.altM, '--alt-m', -500, 10_000),
      });
      print(o.format, r, () => `ground station ${r.id}\n  token (shown once): ${r.token}\n`);
    }),
  );
  withConn(stations.command('list').description('List ground stations')).action(
    runAction(async (o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{ items: Station[] }>('GET', '/api/v1/ground-stations');
      print(o.format, r, () =>
        formatTable(
          ['id', 'name', 'lat', 'lon', 'alt m', 'enabled', 'token'],
          r.items.map((s) => [
            s.id,
            s.name,
            s.lat,
            s.lon,
            s.altM,
            s.enabled ? 'yes' : 'no',
            s.tokenRevoked ? 'revoked' : 'active',
          ]),
        ),
      );
    }),
  );
  withConn(
    stations
      .command('rotate-token')
      .description(
        'Give a ground station a new token, printed once; the old one stops working on every node at once ' +
          '(also re-issues a revoked token)',
      )
      .argument('<id>', 'ground station id (from list)')
      .addHelpText(
        'after',
        '\nExample:\n  satiot ground-stations rotate-token 3f2b…  # then configure the station with the new token\n',
      ),
  ).action(
    runAction(async (id: string, o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{ id: string; name: string; token: string }>(
        'POST',
        `/api/v1/ground-stations/${encodeURIComponent(id)}/token`,
      );
      print(o.format, r, () => `ground station ${r.id} (${r.name}): token rotated\n  token (shown once): ${r.token}\n`);
    }),
  );
  withConn(
    stations
      .command('revoke-token')
      .description(
        "Revoke a ground station's token: its batches are refused on every node at once, until rotate-token " +
          'issues a new one',
      )
      .argument('<id>', 'ground station id (from list)'),
  ).action(
    runAction(async (id: string, o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{ id: string; name: string; tokenRevoked: boolean }>(
        'DELETE',
        `/api/v1/ground-stations/${encodeURIComponent(id)}/token`,
      );
      print(o.format, r, () => `ground station ${r.id} (${r.name}): token revoked\n`);
    }),
  );
}

/** A flag a LoRaWAN terminal cannot do without. */
function required(v: string | undefined, flag: string): string {
  if (v === undefined)
    throw new SatiotError('INVALID_ARGUMENT', `${flag} is required (or --imei for an Iridium terminal)`);
  return v;
}

import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { parseNumber } from '../options.js';
import { runAction } from '../run-action.js';
import { print, withConn, type Conn } from '../server-flags.js';
import { formatTable } from '../table.js';

interface Gateway {
  id: string;
  gatewayEui: string;
  name: string;
  tenantId?: string;
  lat: number;
  lon: number;
  altM: number;
  enabled: boolean;
  createdAt: string;
}

/** `satiot gateways add|list|delete`: terrestrial LoRa gateways, through a running server (docs/interop.md). */
export function registerGatewayCommands(program: Command): void {
  const gateways = program
    .command('gateways')
    .description('Terrestrial LoRa gateways heard over Semtech UDP (through a running server; serve --semtech-udp)');
  withConn(
    gateways
      .command('add')
      .description('Register a gateway by its EUI; only registered EUIs are heard')
      .requiredOption('--eui <hex16>', 'the gateway EUI its packet forwarder sends (gateway_ID in global_conf.json)')
      .requiredOption('--lat <deg>')
      .requiredOption('--lon <deg>')
      .option('--alt-m <m>', 'altitude', '0')
      .option('--name <name>', 'what operators call it')
      .option('--tenant <id>', "the tenant that owns it (operators; a tenant admin's key registers its own)")
      .addHelpText(
        'after',
        '\nExample:\n  satiot gateways add --eui AA555A0000000101 --lat 30.59 --lon 114.30 --name "Hankou ' +
          'river bank"\n',
      ),
  ).action(
    runAction(
      async (o: Conn & { eui: string; lat: string; lon: string; altM: string; name?: string; tenant?: string }) => {
        const g = await ApiClient.fromFlags(o).request<Gateway>('POST', '/api/v1/gateways', {
          gatewayEui: o.eui,
          lat: parseNumber(o.lat, '--lat', -90, 90),
          lon: parseNumber(o.lon, '--lon', -180, 180),
          altM: parseNumber(o.altM, '--alt-m', -500, 10_000),
          ...(o.name ? { name: o.name } : {}),
          ...(o.tenant ? { tenantId: o.tenant } : {}),
        });
        print(
          o.format,
          g,
          () => `gateway ${g.gatewayEui} (${g.id}) registered${g.tenantId ? ` for tenant ${g.tenantId}` : ''}\n`,
        );
      },
    ),
  );
  withConn(gateways.command('list').description('List the gateways this key sees')).action(
    runAction(async (o: Conn) => {
      const r = await ApiClient.fromFlags(o).request<{ items: Gateway[] }>('GET', '/api/v1/gateways');
      print(o.format, r, () =>
        formatTable(
          ['id', 'eui', 'name', 'tenant', 'lat', 'lon', 'enabled'],
          r.items.map((g) => [
            g.id,
            g.gatewayEui,
            g.name,
            g.tenantId ?? '',
            String(g.lat),
            String(g.lon),
            g.enabled ? 'yes' : 'no',
          ]),
        ),
      );
    }),
  );
  withConn(
    gateways
      .command('delete')
      .description('Delete a gateway that heard nothing (one that did is kept: GATEWAY_HAS_RECEPTIONS)')
      .argument('<id>', 'gateway id (from list)'),
  ).action(
    runAction(async (id: string, o: Conn) => {
      await ApiClient.fromFlags(o).request('DELETE', `/api/v1/gateways/${encodeURIComponent(id)}`);
      print(o.format, { deleted: id }, () => `gateway ${id} deleted\n`);
    }),
  );
}

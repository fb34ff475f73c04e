/** A terrestrial gateway as the API shows it (no token: a gateway has none). */
export const gatewaySchema = {
  $id: 'TerrestrialGateway',
  type: 'object',
  required: ['id', 'gatewayEui', 'name', 'lat', 'lon', 'altM', 'enabled', 'createdAt'],
  properties: {
    id: { type: 'string' },
    gatewayEui: { type: 'string', description: '16 lower-case hex digits' },
    name: { type: 'string' },
    tenantId: { type: 'string', description: "the owning tenant; absent: the operator's" },
    lat: { type: 'number' },
    lon: { type: 'number' },
    altM: { type: 'number' },
    enabled: { type: 'boolean' },
    createdAt: { type: 'string' },
    lastSeenAt: { type: 'string', description: 'its last datagram (recorded at most every 30 s)' },
    stat: {
      type: 'object',
      description:
        'its latest status report: packets received / with a good CRC / forwarded, PUSH_DATA acknowledged ' +
        '(%), downlinks received and emitted, GPS position, temperature',
      properties: {
        time: { type: 'string' },
        lat: { type: 'number' },
        lon: { type: 'number' },
        altM: { type: 'number' },
        rxReceived: { type: 'number' },
        rxOk: { type: 'number' },
        rxForwarded: { type: 'number' },
        ackPercent: { type: 'number' },
        downlinksReceived: { type: 'number' },
        txEmitted: { type: 'number' },
        temperatureC: { type: 'number' },
      },
    },
  },
} as const;

import { describe, expect, it } from 'vitest';
import { uplink, T0 } from '../support/core-fixture.js';
import { FakePublisher, FakeTransport } from '../core/delivery/helpers.js';
import { auth, useApi } from './api-fixture.js';

describe("a message's whole life through the API", () => {
  let transport: FakeTransport;
  const api = useApi(() => {
    transport = new FakeTransport();
    return { delivery: { transport, publisher: new FakePublisher() } };
  });

  it('shows captured → downlinked → ingested → delivered, the last per webhook', async () => {
    const hook = (
      await api.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: auth,
        payload: { tenantId: api.f.tenantId, url: 'https://receiver.example/hook', events: ['uplink'] },
      })
    ).json();
    const t = await api.f.addTerminal();
    const captured = T0 - 3 * 3_600_000;
    await api.f.core.pipeline.ingest(api.f.station, [
      uplink(t, 1, new Uint8Array([7]), { capturedAt: captured, downlinkedAt: captured + 1_200_000 }),
    ]);
    for (let i = 0; i < 100 && transport.to('https://receiver.example/hook').length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(transport.to('https://receiver.example/hook')).toHaveLength(1);
    let m: { deliveries: unknown[]; capturedAt: string; downlinkedAt: string; ingestedAt: string } | undefined;
    for (let i = 0; i < 100; i++) {
      m = (await api.app.inject({ method: 'GET', url: `/api/v1/terminals/${t.devEui}/messages`, headers: auth })).json()
        .items[0];
      if (m!.deliveries.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(m).toMatchObject({
      capturedAt: new Date(captured).toISOString(),
      downlinkedAt: new Date(captured + 1_200_000).toISOString(),
      ingestedAt: new Date(T0).toISOString(),
      deliveries: [{ integration: 'webhook', integrationId: hook.id, deliveredAt: new Date(T0).toISOString() }],
    });
    expect(await api.f.core.metrics.getSingleMetricAsString('satiot_delivery_attempts_total')).toMatch(
      /satiot_delivery_attempts_total\{kind="webhook",outcome="delivered"} 1/,
    );
    // The last hop, ingested → delivered: the test clock does not move, so it is 0 s.
    expect(await api.f.core.metrics.getSingleMetricAsString('satiot_delivery_latency_seconds')).toMatch(
      /satiot_delivery_latency_seconds_bucket\{le="0.1",kind="webhook"} 1/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { assertPublicHost } from '../../src/integrations/internal-address.js';
import { HttpWebhookTransport } from '../../src/integrations/http-webhook-transport.js';
import { MqttIntegrationPublisher } from '../../src/integrations/mqtt-integration-publisher.js';

describe('delivery to internal addresses', () => {
  it('refuses a host that is or resolves to an internal address, whatever created the integration', async () => {
    await expect(assertPublicHost('127.0.0.1')).rejects.toThrow(/internal address/);
    await expect(assertPublicHost('localhost')).rejects.toThrow(/internal address/);
    await expect(assertPublicHost('[::1]')).rejects.toThrow(/internal address/);
    await expect(assertPublicHost('no-such-host.invalid')).resolves.toBeUndefined(); // fails later, on its own
    await expect(new HttpWebhookTransport().post('http://localhost:9/hook', {}, new Uint8Array(), 500)).rejects.toThrow(/internal address/);
    const p = new MqttIntegrationPublisher();
    await expect(p.publish({ url: 'mqtt://127.1:1883' }, 'a/b', new Uint8Array(), 500)).rejects.toThrow(/internal address/);
    expect(p.size).toBe(0);
    await p.close();
  });
});

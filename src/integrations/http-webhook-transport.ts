import { Agent, request } from 'undici';
import type { WebhookResponse, WebhookTransport } from '../core/ports/webhook-transport.js';
import { assertPublicHost } from './internal-address.js';

/**
 * Webhook posts with undici's `request` (the HTTP client behind Node's fetch, without the WHATWG
 * layers fetch adds per call — at thousands of deliveries a second those cost more than the
 * request itself): keep-alive connections pooled per origin, `AbortSignal.timeout` bounding the
 * whole exchange, redirects returned rather than followed (undici's `request` never follows them),
 * and the answer's body discarded so the connection goes back to the pool. Unless allowed, a host
 * that is or resolves to an internal address is refused before connecting (the attempt fails with
 * that reason).
 */
export class HttpWebhookTransport implements WebhookTransport {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000 });

  /** `allowInternal`: deliver to internal addresses too (an on-site receiver); default false. */
  constructor(private readonly opts: { readonly allowInternal?: boolean } = {}) {}

  async post(url: string, headers: Readonly<Record<string, string>>, body: Uint8Array, timeoutMs: number): Promise<WebhookResponse> {
    if (!this.opts.allowInternal) await assertPublicHost(new URL(url).hostname);
    const res = await request(url, { method: 'POST', headers, body, dispatcher: this.agent, signal: AbortSignal.timeout(timeoutMs) });
    await res.body.dump().catch(() => undefined);
    return { status: res.statusCode };
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

import { Agent, request } from 'undici';
import type { WebhookResponse, WebhookTransport } from '../core/ports/webhook-transport.js';
import { assertPublicHost, publicOnlyLookup, type Resolve } from './internal-address.js';

/**
 * Webhook posts with undici's `request` (the HTTP client behind Node's fetch, without the WHATWG
 * layers fetch adds per call — at thousands of deliveries a second those cost more than the
 * request itself): keep-alive connections pooled per origin, `AbortSignal.timeout` bounding the
 * whole exchange, redirects returned rather than followed (undici's `request` never follows them),
 * and the answer's body discarded so the connection goes back to the pool. Unless allowed, a host
 * that is an internal address is refused before connecting, and a name is resolved once per
 * connection and refused when any of its addresses is internal; the connection goes to the
 * addresses so checked (publicOnlyLookup), never to a second answer.
 */
export class HttpWebhookTransport implements WebhookTransport {
  private readonly agent: Agent;

  /**
   * `allowInternal`: deliver to internal addresses too (an on-site receiver); default false.
   * `resolve`: the resolver names are checked and connected with (default the system's).
   */
  constructor(private readonly opts: { readonly allowInternal?: boolean; readonly resolve?: Resolve } = {}) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      ...(opts.allowInternal ? {} : { connect: { lookup: publicOnlyLookup(opts.resolve) } }),
    });
  }

  async post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array,
    timeoutMs: number,
  ): Promise<WebhookResponse> {
    if (!this.opts.allowInternal) assertPublicHost(new URL(url).hostname);
    const res = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump().catch(() => undefined);
    return { status: res.statusCode };
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

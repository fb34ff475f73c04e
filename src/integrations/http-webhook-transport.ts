import type { WebhookResponse, WebhookTransport } from '../core/ports/webhook-transport.js';
import { assertPublicHost } from './internal-address.js';

/**
 * Webhook posts with Node's global fetch (undici): `AbortSignal.timeout` bounds the whole exchange,
 * redirects are returned rather than followed, and the answer's body is discarded unread so the
 * connection goes back to the pool. Unless allowed, a host that is or resolves to an internal
 * address is refused before connecting (the attempt fails with that reason).
 */
export class FetchWebhookTransport implements WebhookTransport {
  /** `allowInternal`: deliver to internal addresses too (an on-site receiver); default false. */
  constructor(private readonly opts: { readonly allowInternal?: boolean } = {}) {}

  async post(url: string, headers: Readonly<Record<string, string>>, body: Uint8Array, timeoutMs: number): Promise<WebhookResponse> {
    if (!this.opts.allowInternal) await assertPublicHost(new URL(url).hostname);
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status };
  }
}

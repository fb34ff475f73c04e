import type { WebhookResponse, WebhookTransport } from '../core/ports/webhook-transport.js';

/**
 * Webhook posts with Node's global fetch (undici): `AbortSignal.timeout` bounds the whole exchange,
 * redirects are returned rather than followed, and the answer's body is discarded unread so the
 * connection goes back to the pool.
 */
export class FetchWebhookTransport implements WebhookTransport {
  async post(url: string, headers: Readonly<Record<string, string>>, body: Uint8Array, timeoutMs: number): Promise<WebhookResponse> {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status };
  }
}

/** What a webhook receiver answered: the HTTP status (the body is read and dropped). */
export interface WebhookResponse {
  readonly status: number;
}

/**
 * The port the webhook dispatcher posts through (undici in production: src/integrations/http-webhook-transport.ts; a
 * fake in tests). `post` resolves with any HTTP status, 2xx or not (the dispatcher decides what a status means), and
 * rejects on a network error, a refused connection or when `timeoutMs` has passed without an answer. Redirects are not
 * followed: a 3xx is an answer like any other (a signed event must not be sent on to an address nobody registered).
 */
export interface WebhookTransport {
  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array,
    timeoutMs: number,
  ): Promise<WebhookResponse>;
  /** Releases pooled connections (the delivery service's stop). */
  close?(): Promise<void>;
}

import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * A small client for the CLI's operator commands: talks to a running `satiot serve` so that the
 * server's in-memory registry stays the single writer. API errors come back as SatiotError with
 * the server's code (and so the CLI's exit code).
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string | undefined,
  ) {}

  static fromFlags(o: { url: string; key?: string }): ApiClient {
    return new ApiClient(o.url.replace(/\/+$/, ''), o.key ?? process.env.SATIOT_ADMIN_KEY);
  }

  /** As `request`, with a text body of `contentType` sent as it is (a CSV upload). */
  requestText<T>(method: 'POST' | 'PUT', path: string, text: string, contentType: string): Promise<T> {
    return this.request<T>(method, path, text, contentType);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    if (!this.key) throw new SatiotError('UNAUTHORIZED', 'give an API key with --key or SATIOT_ADMIN_KEY');
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { 'content-type': contentType }),
        },
        ...(body === undefined
          ? {}
          : { body: contentType === 'application/json' ? JSON.stringify(body) : String(body) }),
      });
    } catch (e) {
      throw new SatiotError(
        'INVALID_ARGUMENT',
        `cannot reach ${this.baseUrl} (${(e as Error).message}); is \`satiot serve\` running? (--url)`,
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { raw: text };
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } }).error;
      const code = err?.code && err.code in ERROR_CODES ? (err.code as ErrorCode) : 'INTERNAL';
      throw new SatiotError(code, err?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }
}

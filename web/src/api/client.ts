import type { ApiOperations } from './api-types';

export type Operation = keyof ApiOperations;
export type Response<K extends Operation> = ApiOperations[K]['response'];

type Args<K extends Operation> = {
  params?: ApiOperations[K]['params'];
  query?: Partial<Record<keyof ApiOperations[K]['query'], string | number | boolean | undefined>>;
  body?: ApiOperations[K]['body'];
};

/** An error answer of the API: its HTTP status and stable code (docs/errors.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function url(
  path: string,
  params: Record<string, unknown> | undefined,
  query: Record<string, unknown> | undefined,
): string {
  const p = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name] ?? '')));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${p}?${qs}` : p;
}

/**
 * The API as the dashboard calls it: operations named as in the OpenAPI document
 * ("GET /api/v1/terminals/{devEui}"), typed by the generated api-types.ts.
 */
export class ApiClient {
  constructor(readonly key: string) {}

  async call<K extends Operation>(op: K, args: Args<K> = {}): Promise<Response<K>> {
    const [method, path] = op.split(' ') as [string, string];
    return this.request(method, url(path, args.params as Record<string, unknown>, args.query), args.body) as Promise<
      Response<K>
    >;
  }

  /** An operation this build's types do not have (routes other plugins may add): untyped, callers check 404. */
  async untyped(method: string, path: string, query?: Record<string, string | number | undefined>): Promise<unknown> {
    return this.request(method, url(path, undefined, query), undefined);
  }

  private async request(method: string, target: string, body: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(target, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText);
    }
    return json;
  }
}

/** The WebSocket URL of the live event stream (browsers cannot set headers: the key goes in the query). */
export function eventStreamUrl(key: string, tenantId: string, devEui?: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${url('/api/v1/events', undefined, { tenantId, key, devEui })}`;
}

import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { StatusUpdate } from '../../core/downlink-service.js';
import { SatiotError } from '../../errors/satiot-error.js';
import type { TwinGateway, TwinScheduleItem } from './twin-gateway.js';

/** Largest batch the gateway API takes per request (its MAX_FRAMES_PER_BATCH). */
const MAX_FRAMES_PER_BATCH = 5000;

/**
 * The gateway contract over HTTP with each station's bearer token: POST /api/v1/gateway/uplinks,
 * GET /api/v1/gateway/schedule, POST /api/v1/gateway/downlink-status — what a real ground station
 * sends (docs/downlinks.md).
 */
export class HttpGateway implements TwinGateway {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: readonly string[],
  ) {}

  private async call(station: number, method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.tokens[station]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok)
      throw new SatiotError('INTERNAL', `gateway ${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }

  async postUplinks(station: number, frames: readonly UplinkFrameInput[]) {
    const out: Array<{ status: 'accepted' | 'duplicate' | 'rejected' }> = [];
    for (let i = 0; i < frames.length; i += MAX_FRAMES_PER_BATCH) {
      const r = (await this.call(station, 'POST', '/api/v1/gateway/uplinks', {
        frames: frames.slice(i, i + MAX_FRAMES_PER_BATCH),
      })) as { results: Array<{ status: 'accepted' | 'duplicate' | 'rejected' }> };
      out.push(...r.results);
    }
    return out;
  }

  async schedule(station: number, from: number, to: number): Promise<TwinScheduleItem[]> {
    const q =
      `from=${encodeURIComponent(new Date(from).toISOString())}&to=` +
      `${encodeURIComponent(new Date(to).toISOString())}`;
    const r = (await this.call(station, 'GET', `/api/v1/gateway/schedule?${q}`)) as {
      items: Array<{
        downlinkId: string;
        satelliteId: string;
        contactStart: string;
        contactEnd: string;
        priority: string;
      }>;
    };
    return r.items.map((i) => ({
      downlinkId: i.downlinkId,
      satelliteId: i.satelliteId,
      contactStart: Date.parse(i.contactStart),
      contactEnd: Date.parse(i.contactEnd),
      priority: i.priority,
    }));
  }

  async reportStatus(station: number, updates: readonly StatusUpdate[]): Promise<void> {
    for (let i = 0; i < updates.length; i += 1000) {
      await this.call(station, 'POST', '/api/v1/gateway/downlink-status', {
        updates: updates
          .slice(i, i + 1000)
          .map((u) => ({ downlinkId: u.downlinkId, status: u.status, at: new Date(u.at).toISOString() })),
      });
    }
  }
}

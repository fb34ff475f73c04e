/** The NATS bus's reply multiplexer: replies matched to their requests, deadlines, close. */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ReplyMux } from '../../src/bus/nats/reply-mux.js';
import { NATS_URL } from './backends.js';

describe.runIf(NATS_URL)('ReplyMux (NATS: set SATIOT_TEST_NATS_URL to run)', () => {
  const subject = `satiot_test_mux_${randomBytes(4).toString('hex')}`;
  let nc: NatsConnection | undefined;
  afterEach(async () => {
    await nc?.close();
    nc = undefined;
  });

  it('matches each reply to its request, however the replies are ordered', async () => {
    nc = await connect({ servers: NATS_URL! });
    const held: Array<{ respond: (d: Uint8Array) => boolean; data: Uint8Array }> = [];
    nc.subscribe(`${subject}.echo`, {
      callback: (_e, m) => {
        held.push(m);
        if (held.length === 50) for (const x of held.reverse()) x.respond(x.data);
      },
    });
    const mux = new ReplyMux(nc, 5_000);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => mux.request(`${subject}.echo`, new TextEncoder().encode(`n${i}`))),
    );
    expect(answers.map((m) => new TextDecoder().decode(m.data))).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`));
    expect(mux.pending).toBe(0);
    await mux.close();
  });

  it("answers a request nobody listens to with the server's no-responders status, and one nobody answers by its deadline", async () => {
    nc = await connect({ servers: NATS_URL! });
    const mux = new ReplyMux(nc, 400);
    expect((await mux.request(`${subject}.nobody`, new Uint8Array())).headers?.code).toBe(503);
    nc.subscribe(`${subject}.silent`, { callback: () => undefined });
    await nc.flush();
    const t0 = Date.now();
    await expect(mux.request(`${subject}.silent`, new Uint8Array())).rejects.toThrow(/no reply within 400 ms/);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(mux.pending).toBe(0);
    await mux.close();
  });

  it('waits at close for replies already asked for, then refuses new requests', async () => {
    nc = await connect({ servers: NATS_URL! });
    nc.subscribe(`${subject}.slow`, {
      callback: (_e, m) => {
        setTimeout(() => m.respond(m.data), 200);
      },
    });
    await nc.flush();
    const mux = new ReplyMux(nc, 5_000);
    const inFlight = mux.request(`${subject}.slow`, new TextEncoder().encode('late'));
    await mux.close();
    expect(new TextDecoder().decode((await inFlight).data)).toBe('late');
    await expect(mux.request(`${subject}.slow`, new Uint8Array())).rejects.toThrow(/closing/);
  });
});

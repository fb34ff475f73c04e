/** What only the NATS bus does: the stream it ensures, the consumers it creates, its prefix. */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { PARTITIONS } from '../../src/core/events/subjects.js';
import { NatsBus } from '../../src/bus/nats/bus.js';
import { isSatiotError } from '../../src/errors/satiot-error.js';
import { bytes, NATS_URL, sleep, text } from './backends.js';
import { until } from '../support/until.js';

describe.runIf(NATS_URL)('NatsBus on JetStream (NATS: set SATIOT_TEST_NATS_URL to run)', () => {
  const url = NATS_URL!;
  const tag = randomBytes(5).toString('hex');
  const stream = `SATIOT_TEST_${tag}`;
  const prefix = `satiot_test_${tag}`;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager;

  const admin = async (): Promise<JetStreamManager> => {
    nc ??= await connect({ servers: url });
    jsm ??= await jetstreamManager(nc);
    return jsm;
  };

  afterAll(async () => {
    const m = await admin();
    await m.streams.delete(stream).catch(() => false);
    await nc?.close();
  });

  it('creates the stream: <prefix>.>, file storage, 2-minute duplicate window; a second bus reuses it', async () => {
    const a = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    const b = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    const info = await (await admin()).streams.info(stream);
    expect(info.config.subjects).toEqual([`${prefix}.>`]);
    expect(info.config.storage).toBe(StorageType.File);
    expect(info.config.duplicate_window).toBe(nanos(120_000));
    expect(a.stream).toBe(stream);
    expect(a.subjectPrefix).toBe(prefix);
    await Promise.all([a.close(), b.close()]);
  });

  it('creates durables with explicit acks, max_ack_pending 1 and no server-side max_deliver (the client counts deliveries)', async () => {
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix, retry: { maxAttempts: 4 } });
    await bus.subscribe(`${prefix}.up.>`, async () => undefined, { durable: 'cfg' });
    const ci = await (await admin()).consumers.info(stream, 'cfg');
    expect(ci.config).toMatchObject({
      durable_name: 'cfg',
      filter_subject: `${prefix}.up.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      max_ack_pending: 1,
      max_deliver: -1,
    });
    await bus.close();
  });

  it('lifts a server-side max_deliver an older durable was made with', async () => {
    const jsm = await admin();
    await (await NatsBus.connect(url, { stream, subjectPrefix: prefix })).close();
    await jsm.consumers.add(stream, {
      durable_name: 'old',
      filter_subject: `${prefix}.old.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      max_ack_pending: 1,
      max_deliver: 5,
    });
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    await bus.subscribe(`${prefix}.old.>`, async () => undefined, { durable: 'old' });
    expect((await jsm.consumers.info(stream, 'old')).config.max_deliver).toBe(-1);
    await bus.close();
  });

  it('consumes a partitioned durable as one durable per partition, each filtered on its partition token', async () => {
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    await bus.subscribe(`${prefix}.pt.>`, async () => undefined, { durable: 'pt', partitioned: true });
    const jsm = await admin();
    const names: string[] = [];
    for await (const c of jsm.consumers.list(stream))
      if (c.name.startsWith('pt-')) names.push(`${c.name}=${c.config.filter_subject}`);
    expect(names.sort()).toEqual(Array.from({ length: PARTITIONS }, (_, k) => `pt-p${k}=${prefix}.pt.${k}.>`).sort());
    await expect(
      bus.subscribe(`${prefix}.pt.x.>`, async () => undefined, { durable: 'bad', partitioned: true }),
    ).rejects.toThrow(/partitioned pattern/);
    await bus.close();
  });

  it('lets subscribers create the same durable at once', async () => {
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    const got: string[] = [];
    const on = async (m: { data: Uint8Array }): Promise<void> => {
      got.push(text(m.data));
    };
    await Promise.all([0, 1, 2].map(() => bus.subscribe(`${prefix}.race.>`, on, { durable: 'race' })));
    for (let i = 0; i < 6; i++) await bus.publish(`${prefix}.race.x`, bytes(String(i)));
    await until(() => got.length === 6);
    expect(got).toEqual(['0', '1', '2', '3', '4', '5']);
    await bus.close();
  });

  it('keeps a message whose handler runs longer than ack_wait (no redelivery meanwhile)', async () => {
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix, ackWaitMs: 1_000 });
    let calls = 0;
    let finished = false;
    await bus.subscribe(
      `${prefix}.slow.>`,
      async () => {
        calls++;
        await sleep(2_600);
        finished = true;
      },
      { durable: 'slow' },
    );
    await bus.publish(`${prefix}.slow.x`, bytes('x'));
    await until(() => finished, 'the slow handler to finish', 5_000);
    await sleep(300);
    expect(calls).toBe(1);
    await bus.close();
  }, 10_000);

  it('resolves publish on the PubAck: the message is in the stream', async () => {
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    const before = (await (await admin()).streams.info(stream)).state.last_seq;
    await bus.publish(`${prefix}.stored`, bytes('x'), { msgId: `stored-${tag}` });
    await bus.publish(`${prefix}.stored`, bytes('x'), { msgId: `stored-${tag}` });
    const after = (await (await admin()).streams.info(stream)).state.last_seq;
    expect(after - before).toBe(1);
    await bus.close();
  });

  it('only carries subjects under its prefix', async () => {
    const bus = await NatsBus.connect(url, { stream, subjectPrefix: prefix });
    for (const p of [
      bus.publish('satiot_elsewhere.a', bytes('x')),
      bus.subscribe('other.>', async () => undefined),
      bus.publish(prefix, bytes('x')),
    ]) {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSatiotError(err) && err.code).toBe('INVALID_ARGUMENT');
    }
    await bus.close();
  });

  it('fails to connect to a port nobody listens on', async () => {
    await expect(
      NatsBus.connect('nats://127.0.0.1:1', { stream, subjectPrefix: prefix, connectTimeoutMs: 1_000 }),
    ).rejects.toThrow();
  });
});

import { connect, headers, nanos, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import type {
  Bus,
  BusMessage,
  ConsumerLag,
  DeadLetterSink,
  PublishOptions,
  SubscribeOptions,
  Subscription,
} from '../../core/ports/bus.js';
import { PARTITIONS } from '../../core/events/subjects.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { DeadLetterList, type DeadLetter } from '../dead-letter.js';
import { retryPolicy, type RetryPolicy } from '../retry-policy.js';
import { checkConsumerName, patternTokens, subjectTokens } from '../subject-pattern.js';
import { NatsConsumer } from './consumer.js';
import { ReplyMux } from './reply-mux.js';

export interface NatsBusOptions {
  /** JetStream stream holding the bus's messages; created on connect when missing. Default `SATIOT`. */
  readonly stream?: string;
  /** First token(s) of every subject on this bus; the stream takes `<prefix>.>`. Default `satiot`. */
  readonly subjectPrefix?: string;
  /** The stream's duplicate window for `msgId`. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
  /** The stream's storage when it is created. Default `file`. */
  readonly storage?: 'file' | 'memory';
  /** The stream's max_age when it is created (0: keep until the limits say otherwise). Default 7 days. */
  readonly maxAgeMs?: number;
  /** Redelivery of failed messages (retry-policy.ts; default 12 deliveries over about 18.5 minutes). */
  readonly retry?: Partial<RetryPolicy>;
  /** Where dead letters are recorded durably (the store's list); in this process's memory only without it. */
  readonly deadLetterSink?: DeadLetterSink;
  /**
   * Durable consumers' ack_wait (a longer-running handler keeps its message with "working" every
   * third of it). Default 5 s: the message a killed node was handling goes to another node within it.
   */
  readonly ackWaitMs?: number;
  /** How many dead letters are kept in this process. Default 1,000. */
  readonly deadLetterCapacity?: number;
  /** Connection name shown by the server. Default `satiot`. */
  readonly connectionName?: string;
  /** Connect timeout. Default 5 s. */
  readonly connectTimeoutMs?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MSG_ID_HEADER = 'Nats-Msg-Id';
const ACK = new TextEncoder().encode('+ACK');
/** How long a publish waits for its PubAck, and an acknowledgement for its confirmation. */
const REPLY_TIMEOUT_MS = 5_000;

/** Throws unless `m` is a PubAck of the stream (no stream took the subject, or the stream refused it). */
function checkPubAck(m: Msg, subject: string): void {
  if (m.headers?.code === 503)
    throw new SatiotError('INTERNAL', `no JetStream stream takes ${subject} (no responders)`, { subject });
  let ack: { stream?: unknown; error?: { code?: number; err_code?: number; description?: string } };
  try {
    ack = JSON.parse(new TextDecoder().decode(m.data)) as typeof ack;
  } catch {
    throw new SatiotError(
      'INTERNAL',
      `JetStream answered a publish on ${subject} with something that is not a PubAck`,
      { subject },
    );
  }
  if (ack.error)
    throw new SatiotError(
      'INTERNAL',
      `JetStream refused a publish on ${subject}: ${ack.error.description ?? 'error'} (` +
        `${ack.error.err_code ?? ack.error.code ?? '?'})`,
      { subject, error: ack.error },
    );
  if (typeof ack.stream !== 'string' || ack.stream === '')
    throw new SatiotError('INTERNAL', `JetStream answered a publish on ${subject} without a stream`, { subject });
}
const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/**
 * The Bus port on NATS JetStream.
 *
 * - connect() ensures the stream (subjects `<prefix>.>`, file storage, limits retention, 2-minute
 *   duplicate window): created when missing; an existing stream gets the prefix subject and the
 *   duplicate window added if they differ (storage and limits are left as they are).
 * - publish is a JetStream publish that resolves on the PubAck (the stream stored it); `msgId` goes
 *   out as `Nats-Msg-Id`, so the server drops a repeat within the window (the PubAck says duplicate).
 *   PubAcks and acknowledgement confirmations come back through one reply subscription
 *   (reply-mux.ts) rather than a client request each.
 * - A durable subscription is a durable pull consumer (created by the first subscribe with
 *   DeliverPolicy.New, filter = the pattern, explicit acks, no max_deliver: the client counts
 *   deliveries and terminates a message only once its dead letter is recorded) with
 *   **max_ack_pending 1**: the consumer has at most one unacknowledged message, so every subject
 *   (indeed the whole consumer) is delivered in stream order even across redeliveries and several
 *   subscribers, which take turns. That costs one round trip per message (see bench/bus.bench.ts);
 *   to scale out, a `partitioned` subscription splits the subjects over one durable per partition
 *   (`<name>-p<n>`, filter `<prefix>.<kind>.<n>.>`), each with its own max_ack_pending 1 — not by
 *   raising max_ack_pending, which would let a later message of a subject overtake an earlier one
 *   that is waiting for redelivery.
 * - A transient subscription is an ordered consumer starting after the stream's last message.
 * - close() closes the subscriptions (in-flight handlers finish and ack), then drains the connection.
 *   A subscription's close() waits for its handler in flight, so a handler must not await the
 *   close() of its own subscription (call it without awaiting).
 *
 * Subjects and patterns must lie under the prefix (INVALID_ARGUMENT otherwise).
 */
export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly subscriptions = new Set<NatsConsumer>();
  private readonly dead: DeadLetterList;
  private readonly prefixTokens: string[];
  private closing: Promise<void> | undefined;
  private online = true;
  /** PubAcks and ack confirmations (reply-mux.ts). */
  private readonly replies: ReplyMux;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    readonly subjectPrefix: string,
    private readonly retry: RetryPolicy,
    private readonly ackWaitMs: number,
    deadLetterCapacity: number | undefined,
    private readonly deadLetterSink: DeadLetterSink | undefined,
  ) {
    this.dead = new DeadLetterList(deadLetterCapacity);
    this.prefixTokens = subjectPrefix.split('.');
    this.replies = new ReplyMux(nc, REPLY_TIMEOUT_MS);
    void this.watchStatus();
  }

  /** Follows the connection's status (readiness): offline from a disconnect until the reconnect. */
  private async watchStatus(): Promise<void> {
    try {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect' || s.type === 'staleConnection') this.online = false;
        else if (s.type === 'reconnect') this.online = true;
      }
    } catch {
      // the iterator ends with the connection
    }
  }

  get connected(): boolean {
    return this.online && !this.nc.isClosed() && this.closing === undefined;
  }

  /** Connects to `url` (e.g. `nats://127.0.0.1:4222`) and ensures the stream. */
  static async connect(url: string, opts: NatsBusOptions = {}): Promise<NatsBus> {
    const stream = opts.stream ?? 'SATIOT';
    const prefix = opts.subjectPrefix ?? 'satiot';
    const windowMs = opts.duplicateWindowMs ?? 120_000;
    const ackWaitMs = opts.ackWaitMs ?? 5_000;
    const maxAgeMs = opts.maxAgeMs ?? SEVEN_DAYS_MS;
    if (!NAME.test(stream))
      throw new SatiotError('INVALID_ARGUMENT', `stream name "${stream}" must be 1–64 letters, digits, "_" or "-"`, {
        stream,
      });
    subjectTokens(prefix);
    if (!(windowMs > 0) || !(ackWaitMs >= 1_000) || !(maxAgeMs >= 0)) {
      throw new SatiotError('INVALID_ARGUMENT', 'nats bus: duplicateWindowMs > 0, ackWaitMs ≥ 1000, maxAgeMs ≥ 0', {
        windowMs,
        ackWaitMs,
        maxAgeMs,
      });
    }
    const retry = retryPolicy(opts.retry);
    const nc = await connect({
      servers: url,
      name: opts.connectionName ?? 'satiot',
      timeout: opts.connectTimeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
      // No stack captured up front for every request (a publish, an awaited ack): it cost a tenth of
      // the CPU behind a load of events; errors still say what failed.
      noAsyncTraces: true,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, stream, `${prefix}.>`, windowMs, opts.storage ?? 'file', maxAgeMs);
      return new NatsBus(
        nc,
        jetstream(nc),
        jsm,
        stream,
        prefix,
        retry,
        ackWaitMs,
        opts.deadLetterCapacity,
        opts.deadLetterSink,
      );
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  async publish(subject: string, data: Uint8Array, opts?: PublishOptions): Promise<void> {
    this.assertOpen();
    this.assertUnderPrefix(subjectTokens(subject), subject);
    // A JetStream publish: the stream answers the reply subject with its PubAck (a repeated
    // Nats-Msg-Id within the duplicate window is acknowledged as a duplicate, not stored again).
    let h;
    if (opts?.msgId !== undefined) {
      h = headers();
      h.set(MSG_ID_HEADER, opts.msgId);
    }
    checkPubAck(await this.replies.request(subject, data, h), subject);
  }

  async subscribe(
    pattern: string,
    handler: (m: BusMessage) => Promise<void>,
    opts?: SubscribeOptions,
  ): Promise<Subscription> {
    this.assertOpen();
    this.assertUnderPrefix(patternTokens(pattern), pattern);
    const durable = opts?.durable;
    if (durable !== undefined && opts?.partitioned) return this.subscribePartitioned(pattern, durable, handler);
    return this.subscribeOne(pattern, handler, durable, durable);
  }

  /** One durable per partition, each in order on its own; closing closes them all. */
  private async subscribePartitioned(
    pattern: string,
    durable: string,
    handler: (m: BusMessage) => Promise<void>,
  ): Promise<Subscription> {
    const tokens = patternTokens(pattern);
    const p = this.prefixTokens.length;
    if (tokens.length !== p + 2 || tokens[p + 1] !== '>') {
      throw new SatiotError('INVALID_ARGUMENT', `a partitioned pattern is "<prefix>.<kind>.>", not "${pattern}"`, {
        pattern,
      });
    }
    const subs: Subscription[] = [];
    try {
      for (let k = 0; k < PARTITIONS; k++) {
        subs.push(
          await this.subscribeOne(
            [...tokens.slice(0, p + 1), String(k), '>'].join('.'),
            handler,
            `${durable}-p${k}`,
            durable,
          ),
        );
      }
    } catch (e) {
      await Promise.all(subs.map((s) => s.close()));
      throw e;
    }
    return {
      close: async () => {
        await Promise.all(subs.map((s) => s.close()));
      },
    };
  }

  private async subscribeOne(
    pattern: string,
    handler: (m: BusMessage) => Promise<void>,
    durable: string | undefined,
    logicalName: string | undefined,
  ): Promise<Subscription> {
    let sub: NatsConsumer;
    const common = {
      handler,
      retry: this.retry,
      deadLetters: this.dead,
      ...(this.deadLetterSink ? { deadLetterSink: this.deadLetterSink } : {}),
      ...(logicalName !== undefined ? { logicalName } : {}),
      ackWaitMs: this.ackWaitMs,
      confirmAck: (reply: string) => this.replies.request(reply, ACK).then(() => undefined),
      connectionClosed: () => this.nc.isClosed(),
      onClosed: (s: NatsConsumer) => this.subscriptions.delete(s),
    };
    if (durable !== undefined) {
      checkConsumerName(durable);
      await this.ensureDurable(durable, pattern);
      const consumer = await this.js.consumers.get(this.stream, durable);
      sub = await NatsConsumer.start({ ...common, durable, consumer });
    } else {
      // Start after the last stored message: whatever is published once subscribe resolved is seen.
      const info = await this.jsm.streams.info(this.stream);
      const consumer = await this.js.consumers.get(this.stream, {
        filter_subjects: pattern,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: info.state.last_seq + 1,
      });
      sub = await NatsConsumer.start({ ...common, durable: undefined, consumer });
    }
    if (this.closing !== undefined) {
      await sub.close();
      this.assertOpen();
    }
    this.subscriptions.add(sub);
    return sub;
  }

  /** Closes every subscription (in-flight handlers finish and ack), then drains the connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      await this.replies.close(); // the replies of publishes and acks already sent
      if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
    })();
    return this.closing;
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    const byName = new Map<string, { pending: number; unacknowledged: number }>();
    for await (const c of this.jsm.consumers.list(this.stream)) {
      if (!c.config.durable_name) continue;
      const name = c.config.durable_name.replace(/-p\d+$/, '');
      const e = byName.get(name) ?? { pending: 0, unacknowledged: 0 };
      e.pending += c.num_pending;
      e.unacknowledged += c.num_ack_pending;
      byName.set(name, e);
    }
    return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([consumer, e]) => ({ consumer, ...e }));
  }

  /** Messages this process gave up after their last delivery failed (terminated on the server). */
  deadLetters(): readonly DeadLetter[] {
    return this.dead.list();
  }

  private async ensureDurable(name: string, pattern: string): Promise<void> {
    let info: ConsumerInfo | undefined;
    try {
      info = await this.jsm.consumers.info(this.stream, name);
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    }
    if (info !== undefined) {
      if (info.config.filter_subject !== pattern) {
        throw new SatiotError(
          'INVALID_ARGUMENT',
          `durable "${name}" is bound to "${info.config.filter_subject ?? '(none)'}", not "${pattern}"`,
          { durable: name, pattern },
        );
      }
      // Made by an older satiot (the server gave up after a few deliveries; a longer ack_wait): bring it in line.
      if ((info.config.max_deliver ?? -1) !== -1 || info.config.ack_wait !== nanos(this.ackWaitMs)) {
        await this.jsm.consumers.update(this.stream, name, { max_deliver: -1, ack_wait: nanos(this.ackWaitMs) });
      }
      return;
    }
    // Two subscribers creating it at once is fine: the same config is accepted twice.
    await this.jsm.consumers.add(this.stream, {
      durable_name: name,
      filter_subject: pattern,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      max_ack_pending: 1,
      max_deliver: -1,
      ack_wait: nanos(this.ackWaitMs),
    });
  }

  private assertUnderPrefix(tokens: readonly string[], text: string): void {
    const p = this.prefixTokens;
    const ok = tokens.length > p.length && p.every((t, i) => tokens[i] === t);
    if (!ok)
      throw new SatiotError(
        'INVALID_ARGUMENT',
        `"${text}" is not under this bus's subject prefix "${this.subjectPrefix}."`,
        { subject: text, prefix: this.subjectPrefix },
      );
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new SatiotError('INTERNAL', 'the bus is closed');
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subject: string,
  windowMs: number,
  storage: 'file' | 'memory',
  maxAgeMs: number,
): Promise<StreamInfo> {
  let info: StreamInfo | undefined;
  try {
    info = await jsm.streams.info(name);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
  }
  if (info === undefined) {
    try {
      return await jsm.streams.add({
        name,
        subjects: [subject],
        storage: storage === 'file' ? StorageType.File : StorageType.Memory,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(windowMs),
        max_age: nanos(maxAgeMs),
      });
    } catch (err) {
      // created meanwhile by another node: use it
      info = await jsm.streams.info(name).catch(() => {
        throw err;
      });
    }
  }
  const subjects = info.config.subjects ?? [];
  if (!subjects.includes(subject) || info.config.duplicate_window !== nanos(windowMs)) {
    info = await jsm.streams.update(name, {
      ...info.config,
      subjects: subjects.includes(subject) ? subjects : [...subjects, subject],
      duplicate_window: nanos(windowMs),
    });
  }
  return info;
}

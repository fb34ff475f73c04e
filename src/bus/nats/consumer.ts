import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { BusMessage, DeadLetterSink, Subscription } from '../../core/ports/bus.js';
import { TRANSIENT_CONSUMER, type DeadLetterList } from '../dead-letter.js';
import { retryDelayMs, type RetryPolicy } from '../retry-policy.js';

type Handler = (m: BusMessage) => Promise<void>;

const MSG_ID_HEADER = 'Nats-Msg-Id';
/** Messages a durable subscriber's standing pull asks for. */
const DURABLE_PULL = 64;

export interface NatsConsumerOptions {
  /** Durable name (a JetStream durable pull consumer, explicit acks); undefined: an ordered consumer. */
  readonly durable: string | undefined;
  readonly consumer: Consumer;
  readonly handler: Handler;
  readonly retry: RetryPolicy;
  readonly deadLetters: DeadLetterList;
  /** Where a given-up message is recorded durably before it is terminated (kept and retried while it fails). */
  readonly deadLetterSink?: DeadLetterSink;
  /** The name dead letters and lag are reported under (a partitioned durable's, without the partition). */
  readonly logicalName?: string;
  /** The durable consumer's ack_wait: a handler running longer sends "working" to extend it. */
  readonly ackWaitMs: number;
  /** Sends an acknowledgement to a message's reply subject and resolves once the server confirms it. */
  readonly confirmAck: (reply: string) => Promise<void>;
  /** Whether the bus's connection is closed (then a lost iterator is not restarted). */
  readonly connectionClosed: () => boolean;
  readonly onClosed: (s: NatsConsumer) => void;
}

function toBusMessage(m: JsMsg): BusMessage {
  const msgId = m.headers?.get(MSG_ID_HEADER);
  return msgId ? { subject: m.subject, data: m.data, msgId } : { subject: m.subject, data: m.data };
}

/** Where a message's acknowledgement goes (the client's JsMsgImpl has it; its JsMsg interface does not say so). */
function replyOf(m: JsMsg): string | undefined {
  const r = (m as { reply?: unknown }).reply;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

function invoke(handler: Handler, message: BusMessage): Promise<void> {
  try {
    return Promise.resolve(handler(message));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * One subscriber of a JetStream consumer: takes messages one at a time and runs the handler on
 * each, in order.
 *
 * Durable: the consumer has max_ack_pending 1, so the server hands out one message at a time for
 * the whole consumer, whichever subscriber pulls it: a resolved handler acks; a throwing one naks
 * with a delay (retry-policy.ts), and the server redelivers that message before any later one;
 * after the last allowed delivery it is terminated (+TERM) and recorded as a dead letter.
 *
 * Transient: an ordered consumer (no acks, the client restarts it on gaps); a throwing handler is
 * retried here, in place, with the same policy.
 *
 * close() unsubscribes the pull inbox before the in-flight message is acked, so the server cannot
 * hand the next message to a subscriber that is going away (it checks the pull request's interest);
 * a message that was already buffered is nak'ed at once for the next subscriber.
 */
export class NatsConsumer implements Subscription {
  private closing: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly loop: Promise<void>;
  private readonly keepAlive: NodeJS.Timeout | undefined;
  private current: { readonly msg: JsMsg; readonly since: number } | undefined;

  private constructor(
    private readonly opts: NatsConsumerOptions,
    private messages: ConsumerMessages,
  ) {
    if (opts.durable !== undefined) {
      const every = Math.max(Math.floor(opts.ackWaitMs / 3), 100);
      this.keepAlive = setInterval(() => {
        const c = this.current;
        if (c !== undefined && Date.now() - c.since >= every) c.msg.working();
      }, every);
      this.keepAlive.unref();
    }
    this.loop = this.run();
  }

  static async start(opts: NatsConsumerOptions): Promise<NatsConsumer> {
    const messages = await NatsConsumer.consume(opts);
    return new NatsConsumer(opts, messages);
  }

  private static consume(opts: NatsConsumerOptions): Promise<ConsumerMessages> {
    // Durable: the server still delivers one message at a time (max_ack_pending 1), but a standing
    // pull for many lets it send the next one as soon as the last is acknowledged, without a new
    // pull request per message (measured: a third less time behind a load of events on NATS).
    // Subscribers of one durable then take turns per pull rather than per message.
    return opts.consumer.consume(opts.durable !== undefined ? { max_messages: DURABLE_PULL } : {});
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
      await Promise.all([this.messages.close(), this.loop]);
      this.opts.onClosed(this);
    })();
    return this.closing;
  }

  private async run(): Promise<void> {
    let failures = 0;
    for (;;) {
      try {
        for await (const m of this.messages) {
          failures = 0;
          if (this.closing !== undefined) {
            if (this.opts.durable !== undefined) m.nak();
            continue;
          }
          await (this.opts.durable !== undefined ? this.handleDurable(m) : this.handleTransient(m));
        }
      } catch {
        // the iterator failed (permissions, heartbeats): start over below
      }
      if (this.closing !== undefined || this.opts.connectionClosed()) return;
      // The iterator ended on its own: pull again, backing off while that fails.
      for (;;) {
        failures++;
        try {
          await sleep(retryDelayMs(this.opts.retry, failures), undefined, { signal: this.abort.signal });
          this.messages = await NatsConsumer.consume(this.opts);
          if (this.closing !== undefined) {
            await this.messages.close();
            return;
          }
          break;
        } catch {
          if (this.closing !== undefined || this.opts.connectionClosed()) return;
        }
      }
    }
  }

  private async handleDurable(m: JsMsg): Promise<void> {
    const message = toBusMessage(m);
    this.current = { msg: m, since: Date.now() };
    try {
      await invoke(this.opts.handler, message);
    } catch (err) {
      const deliveries = m.info.deliveryCount;
      if (deliveries >= this.opts.retry.maxAttempts) await this.giveUp(m, message, deliveries, err);
      else m.nak(retryDelayMs(this.opts.retry, deliveries));
      return;
    } finally {
      this.current = undefined;
    }
    // Awaited: the next message is pulled only once the server has the ack. A lost ack means a
    // redelivery, which the consumers' idempotence absorbs.
    const reply = replyOf(m);
    await (reply !== undefined ? this.opts.confirmAck(reply) : m.ackAck()).catch(() => undefined);
  }

  /**
   * Records the message as a dead letter (durably first, when a sink is set), then terminates it; naks it for later
   * while the sink fails.
   */
  private async giveUp(m: JsMsg, message: BusMessage, deliveries: number, err: unknown): Promise<void> {
    const consumer = this.opts.logicalName ?? this.opts.durable ?? TRANSIENT_CONSUMER;
    if (this.opts.deadLetterSink) {
      try {
        await this.opts.deadLetterSink({
          consumer,
          subject: message.subject,
          data: message.data,
          ...(message.msgId !== undefined ? { msgId: message.msgId } : {}),
          attempts: deliveries,
          error: err instanceof Error ? err.message : String(err),
        });
      } catch {
        m.nak(this.opts.retry.maxDelayMs);
        return;
      }
    }
    m.term();
    this.opts.deadLetters.add(consumer, message, deliveries, err);
  }

  private async handleTransient(m: JsMsg): Promise<void> {
    const message = toBusMessage(m);
    for (let attempt = 1; ; attempt++) {
      try {
        await invoke(this.opts.handler, message);
        return;
      } catch (err) {
        if (attempt >= this.opts.retry.maxAttempts) {
          this.opts.deadLetters.add(TRANSIENT_CONSUMER, message, attempt, err);
          return;
        }
      }
      try {
        await sleep(retryDelayMs(this.opts.retry, attempt), undefined, { signal: this.abort.signal });
      } catch {
        return; // closing: a transient subscription drops what it has not finished
      }
    }
  }
}

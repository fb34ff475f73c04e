import { isCodecError } from '../codecs/codec.js';
import { coalesce, DEFAULT_MAX_BATCH } from './batch-coalescer.js';
import type { Bus, BusMessage, Subscription } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { MessageDecode } from './model.js';
import type { CodecCatalog } from './codec-catalog.js';
import type { TerminalRegistry } from './terminal-registry.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { Emit, EventWriter } from './event-writer.js';
import type { UserCodecPool } from './user-codec-pool.js';
import { parseUplinkEvent, type UplinkEventData } from './events/uplink-event.js';
import { decodedSubject, UPLINK_SUBJECTS } from './events/subjects.js';
import { decodedEventId, type DecodedEvent } from './events/decoded-event.js';

export type { DecodedEvent } from './events/decoded-event.js';

/** Durable consumer name: decoders on several nodes share the uplinks, a partition at a time; a restart resumes. */
export const DECODER_CONSUMER = 'satiot-decoder';

/**
 * Decoding after ingest: a durable consumer of the uplink events decodes each message whose
 * terminal names a codec, stores the outcome with the message and emits a `decoded` event (the
 * rules engine's input) in the same transaction. Ingest never waits for it and a codec can never
 * fail ingest: a bad payload or a broken user codec is recorded on the message as an error with a
 * stable code. Idempotent by its own key: a redelivered uplink writes the same decode again, and
 * its decoded event (one id per message) once.
 */
export class PayloadDecoder {
  private sub: Subscription | undefined;

  constructor(
    private readonly events: EventWriter,
    private readonly bus: Bus,
    private readonly registry: TerminalRegistry,
    private readonly catalog: CodecCatalog,
    private readonly clock: Clock,
    private readonly metrics?: IngestMetrics,
    /** Where tenants' own codecs run (worker threads); in this thread without it. */
    private readonly userCodecs?: UserCodecPool,
  ) {}

  async start(): Promise<void> {
    this.sub ??= await this.bus.subscribe(
      UPLINK_SUBJECTS,
      coalesce((ms) => this.handleBatch(ms)),
      { durable: DECODER_CONSUMER, partitioned: true, maxInFlight: DEFAULT_MAX_BATCH },
    );
  }

  async stop(): Promise<void> {
    await this.sub?.close();
    this.sub = undefined;
  }

  /** Stops the user codecs' threads (the core's last stop). */
  async dispose(): Promise<void> {
    await this.stop();
    await this.userCodecs?.close();
  }

  /** Decodes one uplink event; resolves once the outcome and its event are stored. */
  handle(m: BusMessage): Promise<void> {
    return this.handleBatch([m]);
  }

  /**
   * Decodes uplink events and stores their outcomes with their decoded events in one transaction
   * (the decodes in one statement). A message deleted meanwhile (with its terminal) is skipped:
   * nothing to decode, and redelivering would not help.
   */
  async handleBatch(ms: readonly BusMessage[]): Promise<void> {
    const ups: UplinkEventData[] = [];
    for (const m of ms) {
      const up = parseUplinkEvent(m.data);
      if (up) ups.push(up); // else not an uplink event: nothing to decode (and redelivering would not help)
    }
    if (ups.length === 0) return;
    const outcomes = await Promise.all(ups.map((up) => this.decode(up)));
    const decodes = outcomes.filter((d): d is MessageDecode => d !== undefined);
    await this.events.run(async (tx, emit) => {
      const gone = new Set(decodes.length > 0 ? await tx.messages.saveDecodes(decodes) : []);
      ups.forEach((up, i) => {
        const d = outcomes[i];
        // No codec: nothing to decode, but the rules still see the message (silence, metadata conditions).
        if (!d) this.emit(emit, up, { codec: null, decoded: null, error: null });
        else if (!gone.has(d.messageId)) this.emit(emit, up, { codec: d.codec, decoded: d.decoded, error: d.error });
      });
    });
    for (const d of decodes)
      this.metrics?.decodes.inc({
        codec: d.codec.startsWith('user:') ? 'user' : d.codec,
        outcome: d.error ? d.error.code : 'ok',
      });
  }

  /** The decode of one uplink's payload by its terminal's codec, or undefined when it names none. */
  private async decode(up: UplinkEventData): Promise<MessageDecode | undefined> {
    const codecName = this.registry.byDevEui(up.devEui)?.record.codec;
    if (!codecName) return undefined;
    let outcome: Pick<MessageDecode, 'decoded' | 'error'>;
    const user = this.userCodecs ? await this.catalog.userCodec(codecName) : undefined;
    const codec = user ? undefined : await this.catalog.resolve(codecName);
    if (!user && !codec) {
      outcome = { decoded: null, error: { code: 'CODEC_UNKNOWN', message: `no codec ${codecName}` } };
    } else {
      try {
        const decoded = user
          ? await this.userCodecs!.decode(up.tenantId, {
              codecId: user.id,
              name: user.name,
              script: user.script,
              bytes: up.payload,
              fPort: up.fPort,
            })
          : codec!.decode(up.payload, up.fPort);
        outcome = { decoded, error: null };
      } catch (e) {
        // A codec is allowed to throw only CodecError; anything else is still the payload's fault, never ingest's.
        outcome = {
          decoded: null,
          error: isCodecError(e)
            ? { code: e.code, message: e.message }
            : { code: 'CODEC_FAILED', message: String((e as Error)?.message ?? e).slice(0, 300) },
        };
      }
    }
    // Error texts come from codecs (a tenant's script among them): no control characters reach the store
    // (PostgreSQL text refuses NUL) or the logs.
    if (outcome.error)
      outcome = {
        ...outcome,
        error: {
          code: outcome.error.code,
          message: [...outcome.error.message]
            .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c))
            .join('')
            .slice(0, 300),
        },
      };
    return { messageId: up.messageId, codec: codecName, ...outcome, decodedAt: this.clock.now() };
  }

  private emit(emit: Emit, up: UplinkEventData, outcome: Pick<DecodedEvent, 'codec' | 'decoded' | 'error'>): void {
    const event: DecodedEvent = {
      kind: 'decoded',
      messageId: up.messageId,
      tenantId: up.tenantId,
      devEui: up.devEui,
      fCnt: up.fCnt,
      fPort: up.fPort,
      capturedAt: new Date(up.capturedAt).toISOString(),
      ...outcome,
    };
    emit({
      id: decodedEventId(up.messageId),
      subject: decodedSubject(up.tenantId, up.devEui),
      data: Buffer.from(JSON.stringify(event)),
    });
  }
}

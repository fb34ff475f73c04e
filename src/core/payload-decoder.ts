import { isCodecError } from '../codecs/codec.js';
import type { Bus, BusMessage, Subscription } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { MessageDecode } from './model.js';
import type { CodecCatalog } from './codec-catalog.js';
import type { TerminalRegistry } from './terminal-registry.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { UPLINK_SUBJECTS, parseUplinkEvent, type UplinkEventData } from './uplink-event.js';

/** Durable consumer name: decoders on several nodes share the uplinks; a restart resumes. */
export const DECODER_CONSUMER = 'satiot-decoder';

/** Subject of a terminal's decoded payloads (same partitioning as its uplinks). */
export function decodedSubject(tenantId: string, devEui: string): string {
  return `satiot.decoded.${tenantId}.${devEui}`;
}

/**
 * The `decoded` event, published for every new message once the decoder has seen it: the message's
 * identity and times with the decode's outcome (or no codec).
 */
export interface DecodedEvent {
  readonly kind: 'decoded';
  readonly messageId: string;
  readonly tenantId: string;
  readonly devEui: string;
  readonly fCnt: number;
  readonly fPort: number | null;
  readonly capturedAt: string;
  /** null: the terminal has no codec (the event still carries the message to the rules). */
  readonly codec: string | null;
  readonly decoded: { readonly [k: string]: unknown } | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/**
 * Decoding after ingest: a durable consumer of the uplink events decodes each message whose
 * terminal names a codec, stores the outcome with the message and publishes a `decoded` event
 * (the rules engine's input). Ingest never waits for it and a codec can never fail ingest: a bad
 * payload or a broken user codec is recorded on the message as an error with a stable code.
 */
export class PayloadDecoder {
  private sub: Subscription | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly registry: TerminalRegistry,
    private readonly catalog: CodecCatalog,
    private readonly clock: Clock,
    private readonly metrics?: IngestMetrics,
  ) {}

  async start(): Promise<void> {
    this.sub ??= await this.bus.subscribe(UPLINK_SUBJECTS, (m) => this.handle(m), { durable: DECODER_CONSUMER });
  }

  async stop(): Promise<void> {
    await this.sub?.close();
    this.sub = undefined;
  }

  /** Decodes one uplink event; resolves once the outcome is stored and published. */
  async handle(m: BusMessage): Promise<void> {
    const up = parseUplinkEvent(m.data);
    if (!up) return; // not an uplink event: nothing to decode (and redelivering would not help)
    const codecName = this.registry.byDevEui(up.devEui)?.record.codec;
    if (!codecName) {
      // Nothing to decode, but the rules still see the message (silence, metadata conditions).
      await this.publish(up, { codec: null, decoded: null, error: null });
      return;
    }
    const codec = await this.catalog.resolve(codecName);
    let outcome: Pick<MessageDecode, 'decoded' | 'error'>;
    if (!codec) {
      outcome = { decoded: null, error: { code: 'CODEC_UNKNOWN', message: `no codec ${codecName}` } };
    } else {
      try {
        outcome = { decoded: codec.decode(up.payload, up.fPort), error: null };
      } catch (e) {
        // A codec is allowed to throw only CodecError; anything else is still the payload's fault, never ingest's.
        outcome = { decoded: null, error: isCodecError(e) ? { code: e.code, message: e.message } : { code: 'CODEC_FAILED', message: String((e as Error)?.message ?? e).slice(0, 300) } };
      }
    }
    // Error texts come from codecs (a tenant's script among them): no control characters reach the store
    // (PostgreSQL text refuses NUL) or the logs.
    if (outcome.error) outcome = { ...outcome, error: { code: outcome.error.code, message: [...outcome.error.message].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c)).join('').slice(0, 300) } };
    const d: MessageDecode = { messageId: up.messageId, codec: codecName, ...outcome, decodedAt: this.clock.now() };
    await this.store.saveDecode(d);
    this.metrics?.decodes.inc({ codec: codecName.startsWith('user:') ? 'user' : codecName, outcome: d.error ? d.error.code : 'ok' });
    await this.publish(up, { codec: codecName, decoded: d.decoded, error: d.error });
  }

  private async publish(up: UplinkEventData, outcome: Pick<DecodedEvent, 'codec' | 'decoded' | 'error'>): Promise<void> {
    const event: DecodedEvent = {
      kind: 'decoded', messageId: up.messageId, tenantId: up.tenantId, devEui: up.devEui, fCnt: up.fCnt, fPort: up.fPort,
      capturedAt: new Date(up.capturedAt).toISOString(), ...outcome,
    };
    await this.bus.publish(decodedSubject(up.tenantId, up.devEui), Buffer.from(JSON.stringify(event)), { msgId: `${up.messageId}:decoded` });
  }
}

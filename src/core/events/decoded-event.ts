/**
 * The `decoded` event, published for every new message once the decoder has seen it: the message's
 * identity and times with the decode's outcome (or no codec). The rules engine's input.
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

/** The decoded event's id: one per message. */
export const decodedEventId = (messageId: string): string => `${messageId}:decoded`;

import { SatiotError } from '../errors/satiot-error.js';

/**
 * Subjects and patterns as NATS writes them: dot-separated, non-empty tokens without whitespace.
 * A subject has no wildcard; a pattern may use `*` (exactly one token) and `>` (one or more
 * tokens, last position only). Both backends validate with these rules so that a subject that
 * works in memory also works on NATS.
 */

const MAX_SUBJECT_LENGTH = 512;
const BAD_TOKEN_CHAR = /[\s\0]/;

function tokensOf(text: string, what: 'subject' | 'pattern'): string[] {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SUBJECT_LENGTH) {
    throw new SatiotError('INVALID_ARGUMENT', `bus ${what} must be 1–${MAX_SUBJECT_LENGTH} characters`, {
      [what]: text,
    });
  }
  const tokens = text.split('.');
  for (const t of tokens) {
    if (t.length === 0 || BAD_TOKEN_CHAR.test(t)) {
      throw new SatiotError('INVALID_ARGUMENT', `bus ${what} "${text}" has an empty token or whitespace`, {
        [what]: text,
      });
    }
  }
  return tokens;
}

/** The tokens of a publishable subject (no wildcards). */
export function subjectTokens(subject: string): string[] {
  const tokens = tokensOf(subject, 'subject');
  for (const t of tokens) {
    if (t.includes('*') || t.includes('>')) {
      throw new SatiotError('INVALID_ARGUMENT', `bus subject "${subject}" may not contain wildcards`, { subject });
    }
  }
  return tokens;
}

/** The tokens of a subscription pattern; `*` and `>` only as whole tokens, `>` only last. */
export function patternTokens(pattern: string): string[] {
  const tokens = tokensOf(pattern, 'pattern');
  tokens.forEach((t, i) => {
    const wild = t.includes('*') || t.includes('>');
    if (wild && t !== '*' && t !== '>') {
      throw new SatiotError('INVALID_ARGUMENT', `bus pattern "${pattern}": wildcards must be whole tokens`, {
        pattern,
      });
    }
    if (t === '>' && i !== tokens.length - 1) {
      throw new SatiotError('INVALID_ARGUMENT', `bus pattern "${pattern}": ">" must be the last token`, { pattern });
    }
  });
  return tokens;
}

/** Whether a subject (as tokens) matches a pattern (as tokens). */
export function subjectMatches(pattern: readonly string[], subject: readonly string[]): boolean {
  const n = pattern.length;
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    if (p === '>') return subject.length > i;
    if (i >= subject.length) return false;
    if (p !== '*' && p !== subject[i]) return false;
  }
  return subject.length === n;
}

const CONSUMER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Durable names: letters, digits, `_` and `-` (a JetStream consumer name that needs no escaping). */
export function checkConsumerName(name: string): void {
  if (typeof name !== 'string' || !CONSUMER_NAME.test(name)) {
    throw new SatiotError(
      'INVALID_ARGUMENT',
      `durable name "${String(name)}" must be 1–64 letters, digits, "_" or "-"`,
      { durable: name },
    );
  }
}

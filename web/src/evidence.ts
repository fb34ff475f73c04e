/** An alarm's (or a decision's) evidence in words: what each condition that held saw. */

type Leaf = Record<string, unknown>;
const num = (v: unknown) =>
  typeof v === 'number'
    ? Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toFixed(2)
    : String(v);
const time = (v: unknown) =>
  typeof v === 'string'
    ? v.replace('T', ' ').slice(0, 16)
    : typeof v === 'number'
      ? new Date(v).toISOString().replace('T', ' ').slice(0, 16)
      : '?';
const field = (f: unknown) => String(f ?? '').replace(/^values\./, '');

/** One condition that held, in words ("waterLevelM foreseen >= 3.50 at 2026-12-07 01:00 (3.53, 3.49 to 3.57)"). */
function leafText(l: Leaf): string {
  switch (l['kind']) {
    case 'forecast': {
      const c = (l['crossing'] ?? {}) as Leaf;
      return (
        `${field(l['field'])} foreseen ${String(l['op'])} ${num(l['threshold'])} at ${time(c['at'])} UTC ` +
        `(forecast ${num(c['forecast'])}, ${num(c['lower'])} to ${num(c['upper'])}; ${String(l['model'] ?? '')}` +
        `)`
      );
    }
    case 'anomaly':
      return (
        `${field(l['field'])} ${num(l['value'])} unusual: expected ${num(l['expected'])} (${num(l['lower'])} ` +
        `to ${num(l['upper'])}), score ${num(l['score'])}${l['reason'] === 'flatline' ? ', stuck' : ''}`
      );
    case 'threshold':
      return `${field(l['field'])} ${num(l['value'])} ${String(l['op'])} ${num(l['threshold'])}`;
    case 'rate':
      return `${field(l['field'])} changed by ${num(l['change'])} within ${String(l['windowMinutes'])} min`;
    default:
      return (
        `${String(l['kind'] ?? 'condition')}${l['field'] ? ` ${field(l['field'])}` : ''}` +
        `${l['value'] !== undefined ? ` ${num(l['value'])}` : ''}`
      );
  }
}

/** The evidence in words; what it cannot say in words it shows as JSON, shortened. */
export function explainEvidence(e: Record<string, unknown> | undefined | null, max = 160): string {
  if (!e) return '—';
  const conditions = Array.isArray(e['conditions']) ? (e['conditions'] as Leaf[]) : undefined;
  let text: string;
  if (conditions) {
    const held = conditions.filter((l) => l['truth'] === 'true');
    text = (held.length ? held : conditions).map(leafText).join('; ');
  } else if (typeof e['silentHours'] === 'number') {
    text =
      `silent ${num(e['silentHours'])} h` +
      `${typeof e['contacts'] === 'number' ? ` through ${e['contacts']} satellite contacts` : ''}`;
  } else {
    const { ruleId: _r, messageId: _m, ...rest } = e;
    text = JSON.stringify(rest);
    if (text === '{}') return '—';
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

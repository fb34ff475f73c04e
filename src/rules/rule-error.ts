/**
 * The only error `parseRule` raises. `message` starts with the offending path and says what is
 * wrong ("condition.all[1].value must be a number"); `path` is the same path for machines.
 * `RULE_INVALID` is catalogued in src/errors/error-codes.ts (HTTP 400).
 */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  readonly code = 'RULE_INVALID' as const;

  constructor(
    message: string,
    /** Dotted path of the bad value, e.g. `condition.all[1].value`; `rule` for the whole input. */
    readonly path: string,
  ) {
    super(message);
  }
}

export function isRuleError(e: unknown): e is RuleError {
  return e instanceof RuleError;
}

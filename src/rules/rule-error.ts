import { SatiotError } from '../errors/satiot-error.js';

/**
 * The only error `parseRule` raises: a SatiotError with code `RULE_INVALID` (HTTP 400, exit 2; see
 * src/errors/error-codes.ts), which the API maps as any other. `message` starts with the offending
 * path and says what is wrong ("condition.all[1].value must be a number"); `path` is the same path
 * for machines, and is also `details.path`.
 */
export class RuleError extends SatiotError {
  override readonly name = 'RuleError';
  declare readonly code: 'RULE_INVALID';

  constructor(
    message: string,
    /** Dotted path of the bad value, e.g. `condition.all[1].value`; `rule` for the whole input. */
    readonly path: string,
  ) {
    super('RULE_INVALID', message, { path });
  }
}

export function isRuleError(e: unknown): e is RuleError {
  return e instanceof RuleError;
}

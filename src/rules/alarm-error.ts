/**
 * An alarm transition that its current state does not allow (acknowledging a cleared alarm,
 * clearing one twice, counting a firing on another rule's alarm). `ALARM_STATE` is catalogued in
 * src/errors/error-codes.ts (HTTP 409).
 */
export class AlarmError extends Error {
  override readonly name = 'AlarmError';
  readonly code = 'ALARM_STATE' as const;

  constructor(
    message: string,
    readonly alarmId: string,
  ) {
    super(message);
  }
}

export function isAlarmError(e: unknown): e is AlarmError {
  return e instanceof AlarmError;
}

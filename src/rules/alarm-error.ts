import { SatiotError } from '../errors/satiot-error.js';

/**
 * An alarm transition that its current state does not allow (acknowledging a cleared alarm,
 * clearing one twice, counting a firing on another rule's alarm): a SatiotError with code
 * `ALARM_STATE` (HTTP 409, exit 6; see src/errors/error-codes.ts), which the API maps as any other.
 * `alarmId` is also `details.alarmId`.
 */
export class AlarmError extends SatiotError {
  override readonly name = 'AlarmError';
  declare readonly code: 'ALARM_STATE';

  constructor(
    message: string,
    readonly alarmId: string,
  ) {
    super('ALARM_STATE', message, { alarmId });
  }
}

export function isAlarmError(e: unknown): e is AlarmError {
  return e instanceof AlarmError;
}

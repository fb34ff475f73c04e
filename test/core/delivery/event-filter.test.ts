import { describe, expect, it } from 'vitest';
import { parseDeliveryEvent } from '../../../src/core/delivery/delivery-event.js';
import { matchesFilter, parseKinds } from '../../../src/core/delivery/event-filter.js';
import { SatiotError } from '../../../src/errors/satiot-error.js';
import { DEV_EUI, TENANT, eventMessage, uplinkMessage } from './helpers.js';
import { terminalSubject } from '../../../src/core/events/subjects.js';

describe('deliverable events', () => {
  it('reads an uplink event with its tenant, terminal, message id and the JSON exactly as published', () => {
    const m = uplinkMessage(7);
    const e = parseDeliveryEvent(m)!;
    expect(e).toMatchObject({
      kind: 'uplink',
      tenantId: TENANT,
      devEui: DEV_EUI,
      messageId: 'term-1.7',
      key: 'term-1.7',
    });
    expect(e.json).toBe(Buffer.from(m.data).toString('utf8'));
  });

  it('keys an event without a publisher id by its subject and bytes, so a redelivery has the same key', () => {
    const a = parseDeliveryEvent(eventMessage('alarm', { action: 'raised' }))!;
    const b = parseDeliveryEvent(eventMessage('alarm', { action: 'raised' }))!;
    const c = parseDeliveryEvent(eventMessage('alarm', { action: 'cleared' }))!;
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(a.messageId).toBeNull();
  });

  it('ignores other subjects, bytes that are not JSON, and a kind that disagrees with the subject', () => {
    expect(
      parseDeliveryEvent({
        subject: terminalSubject('downlink-request', TENANT, DEV_EUI),
        data: Buffer.from('{"kind":"downlink"}'),
      }),
    ).toBeUndefined();
    expect(
      parseDeliveryEvent({ subject: `satiot.events.${TENANT}.stations`, data: Buffer.from('{"kind":"stations"}') }),
    ).toBeUndefined();
    expect(
      parseDeliveryEvent({ subject: terminalSubject('alarm', TENANT, DEV_EUI), data: Buffer.from('not json') }),
    ).toBeUndefined();
    expect(
      parseDeliveryEvent({
        subject: terminalSubject('alarm', TENANT, DEV_EUI),
        data: Buffer.from('{"kind":"decoded"}'),
      }),
    ).toBeUndefined();
  });
});

describe('event filters', () => {
  const e = { tenantId: TENANT, devEui: DEV_EUI, kind: 'decoded' as const };

  it('matches by tenant, then terminal (any case), then kinds', () => {
    expect(matchesFilter({ tenantId: TENANT }, e)).toBe(true);
    expect(matchesFilter({ tenantId: 'other' }, e)).toBe(false);
    expect(matchesFilter({ tenantId: TENANT, devEui: DEV_EUI.toUpperCase() }, e)).toBe(true);
    expect(matchesFilter({ tenantId: TENANT, devEui: '70b3d50000000002' }, e)).toBe(false);
    expect(matchesFilter({ tenantId: TENANT, kinds: ['uplink', 'decoded'] }, e)).toBe(true);
    expect(matchesFilter({ tenantId: TENANT, kinds: ['alarm'] }, e)).toBe(false);
  });

  it('reads kinds from a comma list or an array, in catalogue order without repeats; empty means all', () => {
    expect(parseKinds('alarm, uplink,alarm')).toEqual(['uplink', 'alarm']);
    expect(parseKinds(['downlink', 'decoded'])).toEqual(['decoded', 'downlink']);
    expect(parseKinds('')).toBeUndefined();
    expect(parseKinds(undefined)).toBeUndefined();
  });

  it('refuses an unknown kind with INVALID_ARGUMENT naming it', () => {
    expect(() => parseKinds('uplink,telemetry')).toThrow(SatiotError);
    expect(() => parseKinds('uplink,telemetry')).toThrow(/telemetry/);
  });
});

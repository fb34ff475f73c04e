import { randomBytes } from 'node:crypto';
import type { AuditEntryInput, AuditLog } from '../../src/core/ports/audit-log.js';
import type { NewRegistration } from '../../src/core/registration.js';
import { luhnCheckDigit, residentIdCheck } from '../../src/core/registration-identity.js';

/** An audit log that keeps what it is given (tests read `entries`). */
export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntryInput[] = [];
  async append(e: AuditEntryInput): Promise<void> {
    this.entries.push(e);
  }
  actions(): string[] {
    return this.entries.map((e) => `${e.action}:${e.outcome}`);
  }
}

let n = 0;

/** A valid IMEI: 14 random digits and their Luhn check digit. */
export function imei(): string {
  const body = `35${String(Date.now() % 1e6).padStart(6, '0')}${String(++n).padStart(6, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

/** A valid resident identity number (Beijing Dongcheng, born 1990-05-17) with sequence `seq`. */
export function residentId(seq = 123): string {
  const first = `11010119900517${String(seq % 1000).padStart(3, '0')}`;
  return `${first}${residentIdCheck(first)}`;
}

/** A registration body for `tenantId` (fresh DevEUI, keys and IMEI), with `over` on top. */
/** A LoRaWAN terminal's full registration (identity and session always present), with its keys as bytes. */
export function newRegistration(
  tenantId: string,
  over: Partial<NewRegistration> = {},
): NewRegistration & {
  devEui: string;
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
  keys: { nwk: Buffer; app: Buffer };
} {
  const i = ++n;
  const nwk = randomBytes(16),
    app = randomBytes(16);
  return {
    tenantId,
    devEui: (0x70b3d5ee00000000n + BigInt(i) + BigInt(Date.now() % 100000) * 1000n).toString(16).padStart(16, '0'),
    devAddr: (0x02000000 + i).toString(16).padStart(8, '0'),
    nwkSKey: nwk.toString('hex'),
    appSKey: app.toString('hex'),
    owner: { kind: 'person', name: 'Li Lei', idType: 'resident-id', idNumber: residentId(i) },
    scenario: {
      sector: 'water',
      mobility: 'fixed',
      expectedMessagesPerDay: 24,
      region: {
        type: 'Polygon',
        coordinates: [
          [
            [115, 39],
            [117, 39],
            [117, 41],
            [115, 41],
            [115, 39],
          ],
        ],
      },
    },
    binding: { imei: imei() },
    ...over,
    keys: { nwk, app },
  };
}

/** A POST /registrations body (JSON-safe: no key buffers). */
export function registrationBody(
  tenantId: string,
  over: Partial<NewRegistration> = {},
): NewRegistration & { devEui: string; devAddr: string; nwkSKey: string; appSKey: string } {
  const { keys: _k, ...body } = newRegistration(tenantId, over);
  return body;
}

/** A PUT /terminals/{devEui}/registration body with a fresh IMEI. */
export function declarationBody(): Pick<NewRegistration, 'owner' | 'scenario' | 'binding'> {
  const { owner, scenario, binding } = newRegistration('x');
  return { owner, scenario, binding };
}

/** A one-row registration CSV for `tenantId` (header first). */
export function registrationCsv(tenantId: string): string {
  const b = registrationBody(tenantId);
  return `devEui,devAddr,nwkSKey,appSKey,ownerKind,ownerName,idType,idNumber,sector,mobility,expectedMessagesPerDay,imei,region\n${b.devEui},${b.devAddr},${b.nwkSKey},${b.appSKey},${b.owner.kind},${b.owner.name},${b.owner.idType},${b.owner.idNumber},water,fixed,24,${b.binding.imei},"bbox:115,39,117,41"\n`;
}

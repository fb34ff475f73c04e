import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Store } from './ports/store.js';
import type { TerminalChanges } from './ports/terminal-store.js';
import type { Clock } from './ports/clock.js';
import type { KeyVault } from './key-vault.js';
import { keyContext, type TerminalRegistry } from './terminal-registry.js';
import {
  CRYPTO_SUITES,
  TERMINAL_PROFILES,
  type CryptoSuite,
  type GeoPoint,
  type GroundStationRecord,
  type Tenant,
  type TerminalProfile,
  type TerminalRecord,
  type TerminalStatus,
  type TerminalTransport,
  TERMINAL_TRANSPORTS,
} from './model.js';
import { SatiotError } from '../errors/satiot-error.js';
import { parseElementSets } from '../orbit/parse-element-sets.js';
import { parseOmmJson } from '../orbit/omm-parser.js';
import { toOmm } from '../orbit/omm-format.js';
import type { ElementSetIssue, ElementSetLoad } from '../orbit/element-set.js';
import type { SatelliteRecord, UserCodecRecord } from './model.js';
import type { CodecCatalog } from './codec-catalog.js';
import type { EventWriter } from './event-writer.js';
import { DEFAULT_MAX_TERMINALS_PER_DEV_ADDR } from '../frame/dev-addr.js';

export interface NewTerminal {
  tenantId: string;
  /** An Iridium terminal's may be left out: it is then `0` followed by the IMEI. */
  devEui?: string;
  /** A LoRaWAN terminal's session (an Iridium terminal has none). */
  devAddr?: string;
  nwkSKey?: string;
  appSKey?: string;
  /** Absent: `lorawan`. */
  transport?: TerminalTransport;
  /** An Iridium SBD terminal's IMEI, 15 digits. */
  imei?: string;
  suite?: CryptoSuite;
  profile?: TerminalProfile;
  expectedMessagesPerDay?: number;
  location?: GeoPoint;
  /** A built-in codec's name or `user:<id>` of one of the tenant's codecs. */
  codec?: string;
  /** What people call it, at most 64 characters. */
  name?: string;
}

/** What the API may show of a terminal: never its keys. */
export type TerminalView = Omit<TerminalRecord, 'nwkSKeySealed' | 'appSKeySealed'>;

export function terminalView(t: TerminalRecord): TerminalView {
  const { nwkSKeySealed: _n, appSKeySealed: _a, ...rest } = t;
  return rest;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Compares a presented secret with a stored SHA-256 (hex) in constant time. */
export function matchesHash(secret: string, hashHex: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex'),
    b = Buffer.from(hashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const HEX = (n: number) => new RegExp(`^[0-9a-fA-F]{${n}}$`);
const HEX8 = HEX(8),
  HEX16 = HEX(16),
  HEX32 = HEX(32);
const IMEI = /^[0-9]{15}$/;
/** The Iridium gateway's station row is found by this token hash, which no SHA-256 (hex) matches. */
const IRIDIUM_GATEWAY_TOKEN_HASH = 'network:iridium-sbd';
/** Iridium's commercial gateway, Tempe, Arizona. */
const IRIDIUM_GATEWAY_SITE = { lat: 33.42, lon: -111.94, altM: 360 } as const;
/** A new terminal's record and its session keys in the clear (for the registry, which would open them again). */
interface Prepared {
  readonly record: TerminalRecord;
  readonly keys: { readonly nwkSKey: Buffer; readonly appSKey: Buffer };
}

/** Terminals written per transaction by createTerminals. */
const BULK_CHUNK = 2_000;

export interface ProvisioningOptions {
  /** Terminals (not retired) that may share one DevAddr; default DEFAULT_MAX_TERMINALS_PER_DEV_ADDR (4). */
  readonly maxTerminalsPerDevAddr?: number;
}

/** The store lookups a batch of new terminals shares: each tenant and each (codec, tenant) checked once. */
class BatchChecks {
  private readonly tenants = new Map<string, Promise<void>>();
  private readonly codecs = new Map<string, Promise<void>>();
  /** Tenant of each terminal (not retired) that has the DevAddr: the store's, then the batch's own rows. */
  private readonly addrs = new Map<string, Promise<string[]>>();

  constructor(
    private readonly store: Store,
    private readonly catalog: CodecCatalog,
  ) {}

  tenant(id: string): Promise<void> {
    let p = this.tenants.get(id);
    if (!p) {
      p = this.store.tenants.get(id).then((t) => {
        if (!t) throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${id}`);
      });
      p.catch(() => undefined);
      this.tenants.set(id, p);
    }
    return p;
  }

  /** Looks up these DevAddrs in one go (a bulk import), instead of one query per row. */
  prefetchDevAddrs(devAddrs: readonly string[]): Promise<void> {
    const todo = [...new Set(devAddrs)].filter((a) => !this.addrs.has(a));
    if (todo.length === 0) return Promise.resolve();
    const all = this.store.terminals.byDevAddr(todo).then((ts) => {
      const by = new Map<string, string[]>(todo.map((a) => [a, []]));
      for (const t of ts) if (t.status !== 'retired') by.get(t.devAddr)?.push(t.tenantId);
      return by;
    });
    all.catch(() => undefined);
    for (const a of todo)
      this.addrs.set(
        a,
        all.then((by) => by.get(a)!),
      );
    return all.then(() => undefined);
  }

  /**
   * Tenants of the terminals that have this DevAddr, this batch's accepted rows included (the array is live: claim()
   * adds to it).
   */
  async devAddrTenants(devAddr: string): Promise<string[]> {
    if (!this.addrs.has(devAddr)) void this.prefetchDevAddrs([devAddr]);
    return this.addrs.get(devAddr)!;
  }

  codec(name: string, tenantId: string): Promise<void> {
    const key = `${tenantId}\n${name}`;
    let p = this.codecs.get(key);
    if (!p) {
      p = this.catalog.check(name, tenantId);
      p.catch(() => undefined);
      this.codecs.set(key, p);
    }
    return p;
  }
}

/**
 * Registry writes: tenants, terminals (keys sealed under the master key before they reach the
 * store, and added to the in-memory registry the ingest path reads), ground stations (each with
 * its own bearer token, shown once and kept only as a hash). Each change that a node keeps in
 * memory is written with a registry event, so every other node applies it within a second
 * (registry-sync.ts).
 */
export class Provisioning {
  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly registry: TerminalRegistry,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly codecs: CodecCatalog,
    private readonly opts: ProvisioningOptions = {},
  ) {}

  async createTenant(name: string): Promise<Tenant> {
    const clean = name.trim();
    if (clean.length === 0 || clean.length > 200)
      throw new SatiotError('INVALID_ARGUMENT', 'tenant name must be 1–200 characters');
    const t: Tenant = { id: randomUUID(), name: clean, createdAt: this.clock.now() };
    await this.store.tenants.create(t);
    return t;
  }

  /**
   * Registers a tenant's own codec after compiling it in its sandbox (a script that does not define
   * decodeUplink is refused with CODEC_FAILED). Terminals then name it as `user:<id>`.
   */
  async createUserCodec(n: { tenantId: string; name: string; script: string }): Promise<UserCodecRecord> {
    const name = n.name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name))
      throw new SatiotError(
        'INVALID_ARGUMENT',
        'codec name must be 1–64 letters, digits, spaces, dots, dashes or underscores',
      );
    if (!(await this.store.tenants.get(n.tenantId)))
      throw new SatiotError('TENANT_NOT_FOUND', `no tenant ${n.tenantId}`);
    (await this.codecs.compileScript(name, n.script)).dispose();
    const c: UserCodecRecord = {
      id: randomUUID(),
      tenantId: n.tenantId,
      name,
      script: n.script,
      createdAt: this.clock.now(),
    };
    await this.store.userCodecs.create(c);
    return c;
  }

  /**
   * `status`: where its lifecycle starts (src/core/registration.ts decides by policy; default approved).
   * `operator`: the caller speaks for the operator, who may give a terminal a DevAddr another tenant uses.
   */
  async createTerminal(n: NewTerminal, status: TerminalStatus = 'approved', operator = true): Promise<TerminalView> {
    return this.writeTerminal(
      await this.prepareTerminal(
        n,
        status,
        new BatchChecks(this.store, this.codecs),
        (devEui) => this.registry.byDevEui(devEui) !== undefined,
        operator,
      ),
    );
  }

  /** Writes one prepared terminal with its registry event, then adds it to this node's registry. */
  private async writeTerminal({ record, keys }: Prepared): Promise<TerminalView> {
    await this.events.run(async (tx, emit) => {
      await tx.terminals.create(record);
      emit(this.events.registryChange('terminal', record.devEui));
    });
    this.registry.put(record, undefined, keys);
    return terminalView(record);
  }

  /**
   * Creates many terminals (bulk provisioning, CSV import, the twin's fleets): each row is checked
   * as createTerminal checks it and succeeds or fails on its own — the answer has one entry per row,
   * in order, the terminal or the row's error — while the rows that pass are written a few thousand
   * per transaction with multi-row statements. A chunk that the store refuses as a whole (a DevEUI
   * registered meanwhile through another node) is written again row by row, so only that row fails.
   */
  async createTerminals(
    rows: readonly NewTerminal[],
    status: TerminalStatus = 'approved',
    operator = true,
  ): Promise<Array<TerminalView | SatiotError>> {
    const out: Array<TerminalView | SatiotError> = new Array(rows.length);
    const checks = new BatchChecks(this.store, this.codecs);
    await checks.prefetchDevAddrs(
      rows.flatMap((n) => (typeof n.devAddr === 'string' && HEX8.test(n.devAddr) ? [n.devAddr.toLowerCase()] : [])),
    );
    const seen = new Set<string>();
    const ready: Array<{ index: number } & Prepared> = [];
    for (const [i, n] of rows.entries()) {
      try {
        const p = await this.prepareTerminal(
          n,
          status,
          checks,
          (devEui) => this.registry.byDevEui(devEui) !== undefined || seen.has(devEui),
          operator,
        );
        seen.add(p.record.devEui);
        ready.push({ index: i, ...p });
      } catch (e) {
        if (!(e instanceof SatiotError)) throw e;
        out[i] = e;
      }
    }
    for (let c = 0; c < ready.length; c += BULK_CHUNK) {
      const chunk = ready.slice(c, c + BULK_CHUNK);
      try {
        await this.events.run(async (tx, emit) => {
          await tx.terminals.createMany(chunk.map((r) => r.record));
          emit(
            this.events.registryChanges(
              'terminal',
              chunk.map((r) => r.record.devEui),
            ),
          );
        });
      } catch (e) {
        if (!(e instanceof SatiotError)) throw e;
        for (const r of chunk) {
          try {
            out[r.index] = await this.writeTerminal(r);
          } catch (e1) {
            if (!(e1 instanceof SatiotError)) throw e1;
            out[r.index] = e1;
          }
        }
        continue;
      }
      for (const r of chunk) {
        this.registry.put(r.record, undefined, r.keys);
        out[r.index] = terminalView(r.record);
      }
    }
    return out;
  }

  /**
   * Checks a new terminal (`taken`: whether its DevEUI is in use) and builds its record, keys sealed (and in the clear,
   * for the registry).
   */
  private async prepareTerminal(
    n: NewTerminal,
    status: TerminalStatus,
    checks: BatchChecks,
    taken: (devEui: string) => boolean,
    operator: boolean,
  ): Promise<Prepared> {
    const transport = n.transport ?? 'lorawan';
    if (!TERMINAL_TRANSPORTS.includes(transport))
      throw new SatiotError('INVALID_ARGUMENT', `transport must be one of ${TERMINAL_TRANSPORTS.join(', ')}`);
    if (transport === 'iridium-sbd') return this.prepareIridiumTerminal(n, status, checks, taken);
    if (typeof n.devEui !== 'string' || typeof n.devAddr !== 'string')
      throw new SatiotError('INVALID_ARGUMENT', 'devEui and devAddr are required');
    if (n.imei !== undefined) throw new SatiotError('INVALID_ARGUMENT', 'imei is for transport iridium-sbd only');
    const devEui = n.devEui.toLowerCase(),
      devAddr = n.devAddr.toLowerCase();
    if (!HEX16.test(devEui)) throw new SatiotError('INVALID_ARGUMENT', 'devEui must be 16 hex digits');
    if (!HEX8.test(devAddr)) throw new SatiotError('INVALID_ARGUMENT', 'devAddr must be 8 hex digits');
    if (
      typeof n.nwkSKey !== 'string' ||
      typeof n.appSKey !== 'string' ||
      !HEX32.test(n.nwkSKey) ||
      !HEX32.test(n.appSKey)
    ) {
      throw new SatiotError('INVALID_ARGUMENT', 'nwkSKey and appSKey must be 32 hex digits (128-bit keys)');
    }
    const suite = n.suite ?? 'aes128';
    if (!CRYPTO_SUITES.includes(suite))
      throw new SatiotError('INVALID_ARGUMENT', `suite must be one of ${CRYPTO_SUITES.join(', ')}`);
    const profile = n.profile ?? 'fixed-collector';
    if (!TERMINAL_PROFILES.includes(profile))
      throw new SatiotError('INVALID_ARGUMENT', `profile must be one of ${TERMINAL_PROFILES.join(', ')}`);
    await checks.tenant(n.tenantId);
    if (taken(devEui)) throw new SatiotError('TERMINAL_EXISTS', `a terminal with devEui ${devEui} exists`);
    if (n.codec !== undefined) await checks.codec(n.codec, n.tenantId);
    await this.claimDevAddr(devAddr, n.tenantId, operator, checks);
    const id = randomUUID();
    const keys = { nwkSKey: Buffer.from(n.nwkSKey, 'hex'), appSKey: Buffer.from(n.appSKey, 'hex') };
    const record: TerminalRecord = {
      id,
      tenantId: n.tenantId,
      devEui,
      devAddr,
      suite,
      profile,
      expectedMessagesPerDay: n.expectedMessagesPerDay ?? 24,
      enabled: true,
      status,
      ...(n.location ? { location: n.location } : {}),
      ...(n.codec !== undefined ? { codec: n.codec } : {}),
      ...(n.name ? { name: checkedName(n.name) } : {}),
      nwkSKeySealed: this.vault.seal(keys.nwkSKey, keyContext(id, 'nwkSKey')),
      appSKeySealed: this.vault.seal(keys.appSKey, keyContext(id, 'appSKey')),
      createdAt: this.clock.now(),
    };
    return { record, keys };
  }

  /**
   * Counts a new terminal against its DevAddr's sharers (the last check before the record is built:
   * a row refused for another reason claims nothing). Every terminal of a DevAddr costs a MIC check
   * of each frame that names it and that no session matches, so they are capped
   * (DEV_ADDR_SHARED_LIMIT); and a tenant may not take an address another tenant uses
   * (DEV_ADDR_IN_USE): its frames would cost the other's, and a bad MIC could no longer be
   * attributed to one terminal. Retired terminals do not count. Across nodes the check reads the
   * store, so two registrations racing on two nodes may each pass it once.
   */
  private async claimDevAddr(devAddr: string, tenantId: string, operator: boolean, checks: BatchChecks): Promise<void> {
    const tenants = await checks.devAddrTenants(devAddr);
    const max = this.opts.maxTerminalsPerDevAddr ?? DEFAULT_MAX_TERMINALS_PER_DEV_ADDR;
    if (tenants.length >= max)
      throw new SatiotError(
        'DEV_ADDR_SHARED_LIMIT',
        `${tenants.length} terminals have devAddr ${devAddr} already (at most ${max}): choose another`,
        { devAddr },
      );
    if (!operator && tenants.some((t) => t !== tenantId))
      throw new SatiotError('DEV_ADDR_IN_USE', `another tenant's terminal has devAddr ${devAddr}: choose another`, {
        devAddr,
      });
    tenants.push(tenantId);
  }

  /**
   * An Iridium SBD terminal: its IMEI is its identity (the Iridium network authenticates the modem),
   * so it has no DevAddr and no session keys; its DevEUI, when not given, is `0` + the IMEI.
   */
  private async prepareIridiumTerminal(
    n: NewTerminal,
    status: TerminalStatus,
    checks: BatchChecks,
    taken: (devEui: string) => boolean,
  ): Promise<Prepared> {
    if (typeof n.imei !== 'string' || !IMEI.test(n.imei))
      throw new SatiotError('INVALID_ARGUMENT', 'an iridium-sbd terminal needs its imei: 15 digits');
    if (n.devAddr !== undefined || n.nwkSKey !== undefined || n.appSKey !== undefined) {
      throw new SatiotError(
        'INVALID_ARGUMENT',
        'an iridium-sbd terminal has no LoRaWAN session: leave out devAddr, nwkSKey and appSKey',
      );
    }
    const devEui = (n.devEui ?? `0${n.imei}`).toLowerCase();
    if (!HEX16.test(devEui)) throw new SatiotError('INVALID_ARGUMENT', 'devEui must be 16 hex digits');
    const profile = n.profile ?? 'fixed-collector';
    if (!TERMINAL_PROFILES.includes(profile))
      throw new SatiotError('INVALID_ARGUMENT', `profile must be one of ${TERMINAL_PROFILES.join(', ')}`);
    await checks.tenant(n.tenantId);
    if (taken(devEui)) throw new SatiotError('TERMINAL_EXISTS', `a terminal with devEui ${devEui} exists`);
    if (this.registry.byImei(n.imei))
      throw new SatiotError('TERMINAL_EXISTS', `a terminal with imei ${n.imei} exists`, { imei: n.imei });
    if (n.codec !== undefined) await checks.codec(n.codec, n.tenantId);
    const record: TerminalRecord = {
      id: randomUUID(),
      tenantId: n.tenantId,
      devEui,
      devAddr: '',
      suite: 'aes128',
      profile,
      expectedMessagesPerDay: n.expectedMessagesPerDay ?? 24,
      enabled: true,
      status,
      ...(n.location ? { location: n.location } : {}),
      ...(n.codec !== undefined ? { codec: n.codec } : {}),
      ...(n.name ? { name: checkedName(n.name) } : {}),
      nwkSKeySealed: '',
      appSKeySealed: '',
      createdAt: this.clock.now(),
      transport: 'iridium-sbd',
      imei: n.imei,
    };
    return { record, keys: { nwkSKey: Buffer.alloc(0), appSKey: Buffer.alloc(0) } };
  }

  /**
   * Deletes a terminal registered by mistake. One that has sent messages is kept — its data falls
   * under the retention rules — and answers TERMINAL_HAS_MESSAGES: disable it instead.
   */
  async deleteTerminal(devEui: string): Promise<void> {
    const key = devEui.toLowerCase();
    const r = await this.events.run(async (tx, emit) => {
      const out = await tx.terminals.delete(key);
      if (out === 'deleted') emit(this.events.registryChange('terminal', key));
      return out;
    });
    if (r === 'not-found') throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${key}`);
    if (r === 'has-messages')
      throw new SatiotError(
        'TERMINAL_HAS_MESSAGES',
        `terminal ${key} has sent messages, which are kept: disable it instead (PATCH {"enabled": false})`,
      );
    this.registry.delete(key);
  }

  /** Changes a terminal's profile, expected rate, codec or registered position (null clears the last two). */
  async updateTerminal(devEui: string, c: TerminalChanges): Promise<TerminalView> {
    const key = devEui.toLowerCase();
    const old = this.registry.byDevEui(key)?.record;
    if (!old) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${key}`);
    if (c.profile !== undefined && !TERMINAL_PROFILES.includes(c.profile))
      throw new SatiotError('INVALID_ARGUMENT', `profile must be one of ${TERMINAL_PROFILES.join(', ')}`);
    if (c.codec !== undefined && c.codec !== null) await this.codecs.check(c.codec, old.tenantId);
    if (c.name !== undefined && c.name !== null) checkedName(c.name);
    const updated = await this.events.run(async (tx, emit) => {
      const ok = await tx.terminals.update(key, c);
      if (ok) emit(this.events.registryChange('terminal', key));
      return ok;
    });
    if (!updated) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${key}`);
    const t = (await this.store.terminals.getByDevEui(key))!;
    this.registry.replaceRecord(t);
    return terminalView(t);
  }

  async setTerminalEnabled(devEui: string, enabled: boolean): Promise<TerminalView> {
    const key = devEui.toLowerCase();
    const changed = await this.events.run(async (tx, emit) => {
      const ok = await tx.terminals.setEnabled(key, enabled);
      if (ok) emit(this.events.registryChange('terminal', key));
      return ok;
    });
    if (!changed) throw new SatiotError('TERMINAL_NOT_FOUND', `no terminal ${key}`);
    this.registry.setEnabled(key, enabled);
    return terminalView((await this.store.terminals.getByDevEui(key))!);
  }

  /**
   * Loads satellites from TLE text or CelesTrak OMM records (the orbit layer's loader: bad sets are
   * reported and skipped) and stores them, replacing older element sets of the same satellites.
   */
  async loadSatellites(input: {
    tle?: string;
    omm?: unknown;
  }): Promise<{ loaded: SatelliteRecord[]; issues: ElementSetIssue[] }> {
    if ((input.tle === undefined) === (input.omm === undefined))
      throw new SatiotError('INVALID_ARGUMENT', 'give either "tle" (text) or "omm" (CelesTrak OMM records)');
    const load: ElementSetLoad = input.tle !== undefined ? parseElementSets(input.tle) : parseOmmJson(input.omm);
    if (load.sets.length === 0) {
      throw new SatiotError(
        'NO_ELEMENT_SETS',
        `no usable element set` +
          `${load.issues.length ? ` (${load.issues.length} rejected; first: ${load.issues[0]!.message})` : ''}`,
        { issues: load.issues.slice(0, 20) },
      );
    }
    const now = this.clock.now();
    const loaded: SatelliteRecord[] = load.sets.map((s) => ({
      noradId: s.noradId,
      name: s.name,
      epoch: Math.round(s.epoch),
      updatedAt: now,
      ...(s.tle
        ? { format: 'tle' as const, elementSet: `${s.tle.line1}\n${s.tle.line2}` }
        : { format: 'omm' as const, elementSet: JSON.stringify(toOmm(s)) }),
    }));
    await this.events.run(async (tx, emit) => {
      await tx.satellites.upsert(loaded);
      emit(this.events.registryChange('satellites'));
    });
    return { loaded, issues: load.issues };
  }

  async createGroundStation(g: {
    name: string;
    lat: number;
    lon: number;
    altM?: number;
  }): Promise<{ station: GroundStationRecord; token: string }> {
    if (!g.name || g.name.length > 200)
      throw new SatiotError('INVALID_ARGUMENT', 'ground station name must be 1–200 characters');
    const token = `gst_${randomBytes(24).toString('base64url')}`;
    const station: GroundStationRecord = {
      id: randomUUID(),
      name: g.name,
      lat: g.lat,
      lon: g.lon,
      altM: g.altM ?? 0,
      tokenHash: sha256Hex(token),
      enabled: true,
      createdAt: this.clock.now(),
    };
    await this.events.run(async (tx, emit) => {
      await tx.groundStations.create(station);
      emit(this.events.registryChange('station', station.id));
    });
    return { station, token };
  }

  /** Registers a station whose token the caller made (the digital twin derives its stations' tokens from its seed). */
  async importGroundStation(station: GroundStationRecord): Promise<void> {
    await this.events.run(async (tx, emit) => {
      await tx.groundStations.create(station);
      emit(this.events.registryChange('station', station.id));
    });
  }

  /**
   * The Iridium gateway as a station of its own network (created on first use): the station an
   * Iridium session's reception names. No bearer token reaches it (the DirectIP MO server accepts
   * only the addresses it is told to), and it is never planned as one of our ground stations.
   */
  async iridiumGateway(): Promise<GroundStationRecord> {
    const found = await this.store.groundStations.getByTokenHash(IRIDIUM_GATEWAY_TOKEN_HASH);
    if (found) return found;
    const g: GroundStationRecord = {
      id: randomUUID(),
      name: 'Iridium SBD gateway (DirectIP)',
      ...IRIDIUM_GATEWAY_SITE,
      tokenHash: IRIDIUM_GATEWAY_TOKEN_HASH,
      enabled: true,
      createdAt: this.clock.now(),
      network: 'iridium-sbd',
    };
    try {
      await this.store.groundStations.create(g);
      return g;
    } catch (e) {
      // Another node created it first.
      const again = await this.store.groundStations.getByTokenHash(IRIDIUM_GATEWAY_TOKEN_HASH);
      if (again) return again;
      throw e;
    }
  }

  /** The station a bearer token belongs to, or undefined (unknown, revoked, disabled or malformed). */
  async stationForToken(token: string | undefined): Promise<GroundStationRecord | undefined> {
    if (!token || token.length > 200) return undefined;
    // Read from the store every time (one indexed lookup per batch): a token rotated or revoked
    // through any node is refused from its commit on, with no cache to outlive it.
    const s = await this.store.groundStations.getByTokenHash(sha256Hex(token));
    return s?.enabled ? s : undefined;
  }
}

/** A terminal's name: 1–64 characters, no control characters (it is shown in lists and logs). */
function checkedName(name: string): string {
  // Control and format characters (C0, C1, bidi overrides) could garble or disguise a name in lists and logs.
  if (name.length < 1 || name.length > 64 || /\p{Cc}|\p{Cf}/u.test(name))
    throw new SatiotError('INVALID_ARGUMENT', 'name must be 1 to 64 characters without control or format characters');
  return name;
}

import type { Store } from './ports/store.js';
import { isIridiumTerminal, type TerminalCounters, type TerminalRecord } from './model.js';
import type { KeyVault } from './key-vault.js';
import type { SessionKeys } from '../frame/index.js';
import { ReplayWindow } from './replay-window.js';

/** A terminal as the ingest path needs it: record, opened session keys and counter state. */
export interface RegistryEntry {
  record: TerminalRecord;
  readonly keys: SessionKeys;
  window: ReplayWindow;
  fCntDown: number;
  /** Version of the stored counter row this state derives from (−1: no row yet). */
  version: number;
  /** Uplink counter resets so far (TerminalCounters.upEpoch): messages are stored under epoch × 2³² + FCnt. */
  epoch: number;
}

const NO_KEY = new Uint8Array(0);

/** Context string binding a sealed key to its terminal and role. */
export const keyContext = (terminalId: string, which: 'nwkSKey' | 'appSKey'): string =>
  `terminal:${terminalId}:${which}`;

/**
 * The terminals in memory, indexed by DevAddr (a few terminals may share one — provisioning caps
 * them — and the MIC tells them apart) and DevEUI, with session keys opened once at load — the
 * ingest path never touches the store or the master key per frame.
 */
export class TerminalRegistry {
  private readonly byAddr = new Map<string, RegistryEntry[]>();
  private readonly byEui = new Map<string, RegistryEntry>();
  private readonly byId = new Map<string, RegistryEntry>();
  /** Iridium SBD terminals by IMEI (they have no DevAddr). */
  private readonly byImeiMap = new Map<string, RegistryEntry>();
  /**
   * DevAddrs looked up in the store and not found, with when (wall ms): a flood of foreign frames costs one query per
   * address and second.
   */
  private readonly missed = new Map<string, number>();
  private static readonly MISS_TTL_MS = 1_000;
  private static readonly MISS_MAX = 50_000;

  constructor(
    private readonly store: Store,
    private readonly vault: KeyVault,
    readonly windowSize = ReplayWindow.DEFAULT_SIZE,
    /** A terminal the store has but this node cannot load (its keys do not open here). */
    private readonly onLoadError: (e: unknown, devEui: string) => void = () => undefined,
  ) {}

  async load(): Promise<void> {
    const [terminals, counters] = await Promise.all([this.store.terminals.listAll(), this.store.counters.listAll()]);
    const byTerminal = new Map(counters.map((c) => [c.terminalId, c]));
    this.byAddr.clear();
    this.byEui.clear();
    this.byId.clear();
    this.byImeiMap.clear();
    for (const t of terminals) this.put(t, byTerminal.get(t.id));
  }

  /** Every terminal, in no particular order. */
  all(): IterableIterator<RegistryEntry> {
    return this.byEui.values();
  }

  /**
   * Adds (or replaces) a terminal just written to the store. `keys`: its session keys when the
   * caller has them in the clear already (it just sealed them), saving two openings.
   */
  put(
    t: TerminalRecord,
    counters?: TerminalCounters,
    keys?: { nwkSKey: Uint8Array; appSKey: Uint8Array },
  ): RegistryEntry {
    const old = this.byEui.get(t.devEui);
    if (old) this.remove(old);
    const iridium = isIridiumTerminal(t);
    const entry: RegistryEntry = {
      record: t,
      // An Iridium modem has no LoRaWAN session: the Iridium network authenticates it.
      keys: iridium
        ? { suite: t.suite, nwkSKey: NO_KEY, appSKey: NO_KEY }
        : {
            suite: t.suite,
            nwkSKey: keys?.nwkSKey ?? this.vault.open(t.nwkSKeySealed, keyContext(t.id, 'nwkSKey')),
            appSKey: keys?.appSKey ?? this.vault.open(t.appSKeySealed, keyContext(t.id, 'appSKey')),
          },
      window: counters
        ? ReplayWindow.fromState(counters.fCntUpTop, counters.windowBits, this.windowSize)
        : ReplayWindow.empty(this.windowSize),
      fCntDown: counters?.fCntDown ?? 0,
      version: counters?.version ?? -1,
      epoch: counters?.upEpoch ?? 0,
    };
    if (iridium) {
      if (t.imei !== undefined) this.byImeiMap.set(t.imei, entry);
    } else {
      const list = this.byAddr.get(t.devAddr) ?? [];
      list.push(entry);
      this.byAddr.set(t.devAddr, list);
    }
    this.byEui.set(t.devEui, entry);
    this.byId.set(t.id, entry);
    return entry;
  }

  /** Re-reads one terminal's counters (after a concurrent writer moved them). */
  async reloadCounters(terminalId: string): Promise<void> {
    const e = this.byId.get(terminalId);
    if (!e) return;
    this.setCounters(e, await this.store.counters.get(terminalId));
  }

  private setCounters(e: RegistryEntry, c: TerminalCounters | undefined): void {
    e.window = c
      ? ReplayWindow.fromState(c.fCntUpTop, c.windowBits, this.windowSize)
      : ReplayWindow.empty(this.windowSize);
    e.fCntDown = c?.fCntDown ?? 0;
    e.version = c?.version ?? -1;
    e.epoch = c?.upEpoch ?? 0;
  }

  /**
   * Re-reads one terminal (record and counters) from the store: a change made through another node.
   * Gone from the store: forgotten here too.
   */
  async reload(devEui: string): Promise<RegistryEntry | undefined> {
    const t = await this.store.terminals.getByDevEui(devEui);
    if (!t) {
      this.delete(devEui);
      return undefined;
    }
    const current = this.byEui.get(devEui);
    if (
      current &&
      current.record.id === t.id &&
      current.record.nwkSKeySealed === t.nwkSKeySealed &&
      current.record.appSKeySealed === t.appSKeySealed
    ) {
      // same session: keep the counter window, which may be ahead of the stored one only by this node's own writes
      current.record = t;
      // Unless an operator reset the counters through another node: the stored state then replaces this one.
      const c = await this.store.counters.get(t.id);
      if ((c?.upEpoch ?? 0) !== current.epoch) this.setCounters(current, c);
      return current;
    }
    return this.put(t, await this.store.counters.get(t.id));
  }

  /** reload() of the terminal known here by `id` (the store says it is gone, or changed). */
  async reloadById(id: string): Promise<void> {
    const e = this.byId.get(id);
    if (e) await this.reload(e.record.devEui);
  }

  /**
   * Loads the terminals of these DevAddrs that the store has and this registry does not (registered
   * through another node a moment ago); returns how many it added. An address found in neither is
   * not asked again for a second.
   */
  async loadByDevAddr(devAddrs: readonly string[]): Promise<number> {
    const now = Date.now();
    const ask = devAddrs.filter((a) => (this.missed.get(a) ?? -Infinity) + TerminalRegistry.MISS_TTL_MS <= now);
    if (ask.length === 0) return 0;
    let added = 0;
    const found = new Set<string>();
    for (const t of await this.store.terminals.byDevAddr(ask)) {
      found.add(t.devAddr);
      if (this.byEui.get(t.devEui)?.record.id === t.id) continue;
      try {
        this.put(t, await this.store.counters.get(t.id));
        added++;
      } catch (e) {
        // One terminal this node cannot open (MASTER_KEY_MISMATCH) fails its own frames, not the
        // batch: its address counts as unknown here for a while, and the cause is reported.
        found.delete(t.devAddr);
        this.onLoadError(e, t.devEui);
      }
    }
    for (const a of ask) {
      if (found.has(a)) continue;
      this.missed.delete(a);
      this.missed.set(a, now);
    }
    for (const k of this.missed.keys()) {
      if (this.missed.size <= TerminalRegistry.MISS_MAX) break;
      this.missed.delete(k);
    }
    return added;
  }

  /**
   * The Iridium terminal of this IMEI, looked up in the store when this registry does not know it
   * (registered through another node a moment ago); an IMEI found nowhere is not asked again for a second.
   */
  async loadByImei(imei: string): Promise<RegistryEntry | undefined> {
    const known = this.byImeiMap.get(imei);
    if (known) return known;
    const key = `imei:${imei}`,
      now = Date.now();
    if ((this.missed.get(key) ?? -Infinity) + TerminalRegistry.MISS_TTL_MS > now) return undefined;
    const t = await this.store.terminals.byImei(imei);
    if (!t) {
      this.missed.delete(key);
      this.missed.set(key, now);
      for (const k of this.missed.keys()) {
        if (this.missed.size <= TerminalRegistry.MISS_MAX) break;
        this.missed.delete(k);
      }
      return undefined;
    }
    return this.put(t, await this.store.counters.get(t.id));
  }

  /** Forgets a deleted terminal. */
  delete(devEui: string): void {
    const e = this.byEui.get(devEui);
    if (e) this.remove(e);
  }

  /** A stored terminal's new record (same keys and addresses): the entry keeps its counters. */
  replaceRecord(t: TerminalRecord): void {
    const e = this.byEui.get(t.devEui);
    if (e) e.record = t;
  }

  setEnabled(devEui: string, enabled: boolean): void {
    const e = this.byEui.get(devEui);
    if (e) e.record = { ...e.record, enabled };
  }

  /** The terminals of a DevAddr, the one whose session matched last first. */
  byDevAddr(devAddr: string): readonly RegistryEntry[] {
    return this.byAddr.get(devAddr) ?? [];
  }

  /**
   * A frame of this DevAddr matched `e`'s session: it is tried first next time (terminals that share an address seldom
   * alternate).
   */
  matched(e: RegistryEntry): void {
    const list = this.byAddr.get(e.record.devAddr);
    if (!list || list[0] === e) return;
    const at = list.indexOf(e);
    if (at < 0) return;
    list.splice(at, 1);
    list.unshift(e);
  }

  /** Whether any Iridium SBD terminal is registered (the MT client's pass costs nothing without one). */
  get hasIridium(): boolean {
    return this.byImeiMap.size > 0;
  }

  /** An Iridium SBD terminal by its IMEI. */
  byImei(imei: string): RegistryEntry | undefined {
    return this.byImeiMap.get(imei);
  }

  byDevEui(devEui: string): RegistryEntry | undefined {
    return this.byEui.get(devEui);
  }

  byTerminalId(id: string): RegistryEntry | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byEui.size;
  }

  private remove(e: RegistryEntry): void {
    if (e.record.imei !== undefined && this.byImeiMap.get(e.record.imei) === e) this.byImeiMap.delete(e.record.imei);
    const list = (this.byAddr.get(e.record.devAddr) ?? []).filter((x) => x !== e);
    if (list.length) this.byAddr.set(e.record.devAddr, list);
    else this.byAddr.delete(e.record.devAddr);
    this.byEui.delete(e.record.devEui);
    this.byId.delete(e.record.id);
  }
}

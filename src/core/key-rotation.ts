import type { Store } from './ports/store.js';
import { isIridiumTerminal } from './model.js';
import type { AuditLog } from './ports/audit-log.js';
import type { Clock } from './ports/clock.js';
import { KeyVault } from './key-vault.js';
import { keyContext, type TerminalRegistry } from './terminal-registry.js';
import type { Actor, RegistrationService } from './registration.js';
import { sealContext } from './delivery/integration-catalog.js';

/** How many sealed values there are of each kind, and how many are not under the current key. */
export interface SealedInventory {
  /** The current master key's id and every id the vault opens with. */
  readonly keyId: string;
  readonly keyIds: readonly string[];
  readonly cipher: string;
  readonly terminalKeys: { readonly total: number; readonly stale: number };
  readonly identityNumbers: { readonly total: number; readonly stale: number };
  readonly integrationSecrets: { readonly total: number; readonly stale: number };
  /** Values sealed under a key id this node does not hold (they cannot be opened here). */
  readonly unknownKeyIds: readonly string[];
}

export interface RewrapResult {
  readonly keyId: string;
  readonly terminalKeys: number;
  readonly identityNumbers: number;
  readonly integrationSecrets: number;
  /** Values that changed concurrently (a new terminal's keys, a changed secret): run again. */
  readonly skipped: number;
}

/**
 * Master-key rotation: re-wraps every sealed value in the store — terminal session keys, owners'
 * identity numbers, integration secrets — under the vault's current key, one compare-and-set
 * update per value, while the service runs (the in-memory registry keeps its opened keys; only the
 * sealed strings change). Run it after every node holds the new key as current and the old one as
 * previous; when `inventory()` shows no stale value, drop the old key.
 */
export class MasterKeyRotation {
  constructor(
    private readonly store: Store,
    private readonly registry: TerminalRegistry,
    private readonly registration: RegistrationService,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly audit: () => AuditLog,
  ) {}

  async inventory(): Promise<SealedInventory> {
    const [terminals, regs, secrets] = await Promise.all([
      this.store.terminals.listAll(),
      this.store.registrations.listAll(),
      this.store.registrations.listSealedIntegrationSecrets(),
    ]);
    const known = new Set(this.vault.keyIds);
    const unknown = new Set<string>();
    const count = (values: readonly string[]) => {
      let stale = 0;
      for (const v of values) {
        if (this.vault.isStale(v)) stale++;
        const id = KeyVault.keyIdOf(v);
        if (id !== undefined && !known.has(id)) unknown.add(id);
      }
      return stale;
    };
    // An Iridium terminal has no session keys to seal.
    const keys = terminals.filter((t) => !isIridiumTerminal(t)).flatMap((t) => [t.nwkSKeySealed, t.appSKeySealed]);
    return {
      keyId: this.vault.keyId,
      keyIds: this.vault.keyIds,
      cipher: this.vault.cipher,
      terminalKeys: { total: keys.length, stale: count(keys) },
      identityNumbers: { total: regs.length, stale: count(regs.map((r) => r.idNumberSealed)) },
      integrationSecrets: { total: secrets.length, stale: count(secrets.map((s) => s.sealed)) },
      unknownKeyIds: [...unknown].sort(),
    };
  }

  /** Re-wraps every stale sealed value; audited as `master-key.rewrap` (ids and counts only). */
  async rewrap(by: Actor): Promise<RewrapResult> {
    let terminalKeys = 0,
      identityNumbers = 0,
      integrationSecrets = 0,
      skipped = 0;
    try {
      for (const t of await this.store.terminals.listAll()) {
        if (isIridiumTerminal(t)) continue;
        if (!this.vault.isStale(t.nwkSKeySealed) && !this.vault.isStale(t.appSKeySealed)) continue;
        const next = {
          nwk: this.vault.rewrap(t.nwkSKeySealed, keyContext(t.id, 'nwkSKey')),
          app: this.vault.rewrap(t.appSKeySealed, keyContext(t.id, 'appSKey')),
        };
        if (
          await this.store.registrations.replaceSealedSessionKeys(
            t.id,
            { nwk: t.nwkSKeySealed, app: t.appSKeySealed },
            next,
          )
        ) {
          terminalKeys++;
          const e = this.registry.byDevEui(t.devEui);
          if (e) this.registry.replaceRecord({ ...e.record, nwkSKeySealed: next.nwk, appSKeySealed: next.app });
        } else skipped++;
      }
      for (const r of await this.store.registrations.listAll()) {
        if (!this.vault.isStale(r.idNumberSealed)) continue;
        const next = this.vault.rewrap(r.idNumberSealed, `registration:${r.terminalId}:idNumber`);
        if (await this.registration.rewrapIdNumber(r, next)) identityNumbers++;
        else skipped++;
      }
      for (const s of await this.store.registrations.listSealedIntegrationSecrets()) {
        if (!this.vault.isStale(s.sealed)) continue;
        const next = this.vault.rewrap(s.sealed, sealContext(s.integrationId));
        if (await this.store.registrations.replaceSealedIntegrationSecret(s.integrationId, s.sealed, next))
          integrationSecrets++;
        else skipped++;
      }
    } catch (e) {
      await this.audit().append({
        actor: by,
        action: 'master-key.rewrap',
        target: { kind: 'master-key', id: this.vault.keyId },
        outcome: 'failed',
        details: { terminalKeys, identityNumbers, integrationSecrets, skipped },
        at: this.clock.now(),
      });
      throw e;
    }
    const result = { keyId: this.vault.keyId, terminalKeys, identityNumbers, integrationSecrets, skipped };
    await this.audit().append({
      actor: by,
      action: 'master-key.rewrap',
      target: { kind: 'master-key', id: this.vault.keyId },
      outcome: 'ok',
      details: { ...result },
      at: this.clock.now(),
    });
    return result;
  }
}

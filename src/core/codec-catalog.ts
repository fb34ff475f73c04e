import type { PayloadCodec } from '../codecs/codec.js';
import { CodecError } from '../codecs/codec.js';
import { loadUserCodecEngine, UserCodec, type UserCodecLimits } from '../codecs/user/user-codec.js';
import { SatiotError } from '../errors/satiot-error.js';
import type { Store } from './ports/store.js';
import type { UserCodecRecord } from './model.js';

/** Prefix of a terminal's codec name that points at a tenant's own script. */
export const USER_CODEC_PREFIX = 'user:';

/**
 * Codecs by the name a terminal carries: the built-in ones (`jt808`, `sl651`, …) and tenants' user
 * codecs (`user:<id>`), compiled into their sandbox once and kept.
 */
export class CodecCatalog {
  private readonly compiled = new Map<string, Promise<UserCodec>>();
  /** User codecs' records by id (a script never changes under its id). */
  private readonly records = new Map<string, UserCodecRecord>();

  constructor(
    private readonly builtins: ReadonlyMap<string, PayloadCodec>,
    private readonly store: Store,
    private readonly limits: UserCodecLimits = {},
  ) {}

  builtinNames(): string[] {
    return [...this.builtins.keys()];
  }

  builtinCodecs(): PayloadCodec[] {
    return [...this.builtins.values()];
  }

  /**
   * Checks that a terminal of `tenantId` may use the codec `name`: a built-in, or one of the
   * tenant's own user codecs. Throws INVALID_ARGUMENT otherwise.
   */
  async check(name: string, tenantId: string): Promise<void> {
    if (this.builtins.has(name)) return;
    if (name.startsWith(USER_CODEC_PREFIX)) {
      const c = await this.store.userCodecs.get(name.slice(USER_CODEC_PREFIX.length));
      if (c && c.tenantId === tenantId) return;
    }
    throw new SatiotError(
      'INVALID_ARGUMENT',
      `codec must be one of ${this.builtinNames().join(', ')} or user:<id> of one of the tenant's codecs; got ${name}`,
      { codec: name },
    );
  }

  /** The codec for a terminal's codec name; undefined when no such codec exists (any more). */
  async resolve(name: string): Promise<PayloadCodec | undefined> {
    const builtin = this.builtins.get(name);
    if (builtin) return builtin;
    if (!name.startsWith(USER_CODEC_PREFIX)) return undefined;
    const id = name.slice(USER_CODEC_PREFIX.length);
    let p = this.compiled.get(id);
    if (!p) {
      p = this.compile(id);
      this.compiled.set(id, p);
      p.catch(() => this.compiled.delete(id));
    }
    return p.catch(() => undefined);
  }

  /** The stored user codec a terminal's codec name `user:<id>` points at; undefined for another name or none. */
  async userCodec(name: string): Promise<UserCodecRecord | undefined> {
    if (!name.startsWith(USER_CODEC_PREFIX)) return undefined;
    const id = name.slice(USER_CODEC_PREFIX.length);
    let r = this.records.get(id);
    if (!r) {
      r = await this.store.userCodecs.get(id);
      if (r) this.records.set(id, r);
    }
    return r;
  }

  /** Compiles a script as a user codec would run; throws CodecError (CODEC_FAILED) when it cannot run. */
  async compileScript(name: string, script: string): Promise<UserCodec> {
    return new UserCodec(await loadUserCodecEngine(), name, script, this.limits);
  }

  private async compile(id: string): Promise<UserCodec> {
    const rec = await this.store.userCodecs.get(id);
    if (!rec) throw new CodecError('CODEC_FAILED', `no user codec ${id}`);
    return this.compileScript(rec.name, rec.script);
  }
}

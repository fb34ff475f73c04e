import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
// The single-threaded release build with its .wasm file; imported as a namespace because its type
// declarations are CommonJS-shaped while Node loads its ESM build (whose default export is the variant).
import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { CodecError, type JsonObject, type PayloadCodec } from '../codec.js';

/**
 * A tenant's own payload codec: JavaScript that defines `decodeUplink(bytes, fPort)` (and, for
 * downlinks, `encodeDownlink(object)`), run in a QuickJS sandbox — a separate interpreter compiled to
 * WebAssembly, as ChirpStack runs its codecs — with no access to Node, the file system or the
 * network, a time limit and a memory limit. Each call runs in a fresh context, so one message's
 * globals never leak into the next.
 */
export interface UserCodecLimits {
  /**
   * CPU time per call (default 100 ms). CPU rather than wall time, so that a loaded machine does
   * not fail a codec that is within its budget; a wall-clock backstop of 10× stops one that is
   * starved anyway.
   */
  readonly timeMs?: number;
  /** Heap of the sandbox (default 16 MiB). */
  readonly memoryBytes?: number;
  /** Interpreter stack (default 512 KiB): deep recursion fails cleanly instead of overflowing. */
  readonly stackBytes?: number;
}

/** Largest script accepted (64 KiB): a codec, not an application. */
export const MAX_USER_CODEC_BYTES = 65_536;

let engine: Promise<QuickJSWASMModule> | undefined;

/** Loads the QuickJS WebAssembly module once per process. */
export function loadUserCodecEngine(): Promise<QuickJSWASMModule> {
  return (engine ??= newQuickJSWASMModuleFromVariant(
    Promise.resolve(releaseSync as unknown as { default: QuickJSSyncVariant }),
  ));
}

export class UserCodec implements PayloadCodec {
  readonly description: string;
  private readonly runtime: QuickJSRuntime;
  private readonly timeMs: number;

  /** Checks the script (size, syntax, that it defines decodeUplink); throws CodecError otherwise. */
  constructor(
    engineModule: QuickJSWASMModule,
    readonly name: string,
    private readonly script: string,
    limits: UserCodecLimits = {},
  ) {
    if (Buffer.byteLength(script, 'utf8') > MAX_USER_CODEC_BYTES)
      throw new CodecError('CODEC_FAILED', `the codec script exceeds ${MAX_USER_CODEC_BYTES} bytes`);
    this.description = `user codec ${name}`;
    this.timeMs = limits.timeMs ?? 100;
    this.runtime = engineModule.newRuntime();
    this.runtime.setMemoryLimit(limits.memoryBytes ?? 16 * 1024 * 1024);
    this.runtime.setMaxStackSize(limits.stackBytes ?? 512 * 1024);
    const kind = this.run('typeof decodeUplink');
    if (kind !== '"function"')
      throw new CodecError('CODEC_FAILED', 'the codec script does not define a function decodeUplink(bytes, fPort)');
  }

  /** Runs `decodeUplink(bytes, fPort)`; its result must be a plain JSON object. */
  decode(bytes: Uint8Array, fPort: number | null = null): JsonObject {
    const out = this.run(
      `decodeUplink(${JSON.stringify(Array.from(bytes))}, ${fPort === null ? 'null' : String(fPort)})`,
    );
    const value = parseJson(out);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new CodecError('CODEC_FAILED', 'decodeUplink must return an object');
    return value as JsonObject;
  }

  /** Runs `encodeDownlink(object)`; its result must be an array of byte values (0–255). */
  encode(object: JsonObject): Uint8Array {
    const out = this.run(
      `(typeof encodeDownlink === 'function' ? encodeDownlink(${JSON.stringify(object)}) : (() => { throw ` +
        `new Error('the codec script defines no encodeDownlink(object)') })())`,
    );
    const value = parseJson(out);
    if (
      !Array.isArray(value) ||
      value.length > 242 ||
      !value.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255)
    ) {
      throw new CodecError('CODEC_FAILED', 'encodeDownlink must return an array of at most 242 byte values (0–255)');
    }
    return Uint8Array.from(value as number[]);
  }

  /** Frees the sandbox. */
  dispose(): void {
    this.runtime.dispose();
  }

  /** Evaluates the script then `expression` in a fresh context; the JSON text of the result. */
  private run(expression: string): string {
    const cpu0 = process.cpuUsage(),
      wallEnd = Date.now() + 10 * this.timeMs,
      budgetUs = this.timeMs * 1000;
    this.runtime.setInterruptHandler(() => {
      const used = process.cpuUsage(cpu0);
      return used.user + used.system > budgetUs || Date.now() > wallEnd;
    });
    const vm = this.runtime.newContext();
    try {
      const r = vm.evalCode(`${this.script}\n;JSON.stringify(${expression})`, 'codec.js');
      if (r.error) {
        const err = vm.dump(r.error) as { name?: string; message?: string } | string;
        r.error.dispose();
        const message = typeof err === 'string' ? err : `${err?.name ?? 'Error'}: ${err?.message ?? ''}`;
        if (/interrupted/i.test(message))
          throw new CodecError('CODEC_TIMEOUT', `the codec ran past its ${this.timeMs} ms CPU time limit`);
        throw new CodecError('CODEC_FAILED', `the codec threw ${message.slice(0, 300)}`);
      }
      const text = vm.typeof(r.value) === 'string' ? vm.getString(r.value) : undefined;
      r.value.dispose();
      if (text === undefined) throw new CodecError('CODEC_FAILED', 'the codec returned nothing JSON can represent');
      return text;
    } catch (e) {
      if (e instanceof CodecError) throw e;
      // The interpreter itself gave up (out of memory, stack): the sandbox is intact, the call failed.
      throw new CodecError('CODEC_FAILED', `the codec failed: ${(e as Error).message.slice(0, 300)}`);
    } finally {
      vm.dispose();
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CodecError('CODEC_FAILED', 'the codec returned something that is not JSON');
  }
}

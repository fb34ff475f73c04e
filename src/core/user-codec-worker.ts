import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { isCodecError } from '../codecs/codec.js';
import { loadUserCodecEngine, UserCodec, type UserCodecLimits } from '../codecs/user/user-codec.js';

/** A job of the user-codec pool (user-codec-pool.ts). */
export interface UserCodecJob {
  readonly id: number;
  readonly codecId: string;
  readonly name: string;
  readonly script: string;
  readonly bytes: Uint8Array;
  readonly fPort: number | null;
  readonly limits: UserCodecLimits;
}

/**
 * Sandboxes compiled in this thread, by codec id and script digest (a script never changes under its id, but be sure).
 */
const compiled = new Map<string, UserCodec>();
const MAX_COMPILED = 256;

async function codecOf(job: UserCodecJob): Promise<UserCodec> {
  const key = `${job.codecId}:${createHash('sha256').update(job.script).digest('base64url')}`;
  let c = compiled.get(key);
  if (!c) {
    c = new UserCodec(await loadUserCodecEngine(), job.name, job.script, job.limits);
    if (compiled.size >= MAX_COMPILED) {
      const [oldKey, old] = compiled.entries().next().value as [string, UserCodec];
      compiled.delete(oldKey);
      old.dispose();
    }
    compiled.set(key, c);
  }
  return c;
}

parentPort!.on('message', (job: UserCodecJob) => {
  codecOf(job)
    .then((c) => c.decode(job.bytes, job.fPort))
    .then(
      (decoded) => parentPort!.postMessage({ id: job.id, decoded }),
      (e: unknown) =>
        parentPort!.postMessage({
          id: job.id,
          error: isCodecError(e)
            ? { code: e.code, message: e.message }
            : { code: 'CODEC_FAILED', message: String((e as Error)?.message ?? e).slice(0, 300) },
        }),
    );
});

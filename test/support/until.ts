/**
 * Polls `f` until it returns something other than undefined (or false) and returns it; fails the
 * test with `what` after `timeoutMs`.
 */
export async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 8000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

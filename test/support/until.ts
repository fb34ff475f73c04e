/**
 * Polls `f` until it returns something other than undefined or false, and returns that; fails the
 * test, naming `what`, after `timeoutMs` (default 8 s; polls every `stepMs`, default 20 ms). The
 * one polling helper of the test suite: the bus tests wait on a plain condition (`what` defaults to
 * "condition"), and the cluster harness (test/cluster/harness.ts) calls it with a real process's
 * patience.
 */
export async function until<T>(
  f: () => T | undefined | false | Promise<T | undefined | false>,
  what = 'condition',
  timeoutMs = 8000,
  stepMs = 20,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * Unslotted ALOHA at one satellite receiver: frames on the same channel collide when their time on
 * air overlaps. With capture, a frame still decodes when it is at least `captureDb` stronger than
 * each frame it overlaps (the strongest interferer decides; docs/twin.md).
 *
 * Inputs are parallel arrays for one satellite, sorted by start time (ms). Returns 1 per frame
 * that survives, 0 per frame lost to a collision.
 */
export function resolveCollisions(
  startMs: ArrayLike<number>,
  channel: ArrayLike<number>,
  powerDbm: ArrayLike<number>,
  airtimeMs: number,
  captureDb: number,
): Uint8Array {
  const n = startMs.length;
  const ok = new Uint8Array(n).fill(1);
  // Sweep: j runs over later frames while they start before frame i ends.
  for (let i = 0; i < n; i++) {
    const end = startMs[i]! + airtimeMs;
    for (let j = i + 1; j < n && startMs[j]! < end; j++) {
      if (channel[j] !== channel[i]) continue;
      const d = powerDbm[i]! - powerDbm[j]!;
      if (d < captureDb) ok[i] = 0;
      if (-d < captureDb) ok[j] = 0;
    }
  }
  return ok;
}

/** Pure-ALOHA throughput S = G·e^(−2G) for offered load G (frames per frame time). */
export function pureAlohaThroughput(g: number): number {
  return g * Math.exp(-2 * g);
}

/**
 * The 32-bit frame counter behind the 16 bits a frame carries.
 *
 * A LoRaWAN network server usually takes the smallest counter above the last one accepted that ends
 * in the received 16 bits: it assumes frames arrive in order. Over store-and-forward satellites they
 * do not: counter 70,000 may come down through one satellite hours before 65,530 comes down through
 * another. Read "forward only", 65,530 after 70,000 would become 131,066 — a MIC failure for a
 * genuine frame, which would be lost. So the counter
 * is rebuilt as the candidate nearest to the highest counter accepted so far, behind it or ahead:
 * frames within ±32,768 counters of the top are placed right whichever way round they arrive. The
 * replay window (far narrower than 32,768) then judges the result, and the MIC, computed over all
 * 32 bits, proves it.
 *
 * On an exact tie (the received bits are 32,768 away either way) the larger candidate wins: counters
 * only move forward on the terminal, and the older reading would lie far below any replay window
 * and be refused anyway.
 */

const MAX_U32 = 0xffff_ffff;

/**
 * The 32-bit counter ending in `fCnt16` nearest to `top`, the highest counter accepted so far
 * (−1 before the first frame, which gives `fCnt16` itself). Candidates are (hi − 1, hi, hi + 1) ·
 * 65536 + fCnt16 with hi = top >>> 16, restricted to 0 … 2³² − 1; ties go to the larger.
 */
export function rebuildFCnt32(fCnt16: number, top: number): number {
  if (!Number.isInteger(fCnt16) || fCnt16 < 0 || fCnt16 > 0xffff)
    throw new RangeError(`FCnt16 must be 0..65535, got ${fCnt16}`);
  if (!Number.isInteger(top) || top < -1 || top > MAX_U32)
    throw new RangeError(`top must be −1 or a 32-bit counter, got ${top}`);
  if (top < 0) return fCnt16;
  const hi = Math.floor(top / 65536);
  let best = -1;
  let bestDistance = Infinity;
  for (let h = hi - 1; h <= hi + 1; h++) {
    const candidate = h * 65536 + fCnt16;
    if (candidate < 0 || candidate > MAX_U32) continue;
    const d = Math.abs(candidate - top);
    // Ascending candidates: `<=` lets the larger of two equally near ones win.
    if (d <= bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

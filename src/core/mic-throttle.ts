/**
 * How many bad MICs a DevAddr or a station may cost before its frames are refused unchecked.
 * Defaults: 10 per DevAddr and 200 per station within 60 s, then 5 min of cool-down.
 */
export interface MicThrottlePolicy {
  /** BAD_MIC rejections naming one DevAddr, handed in by one station, within `windowMs` that start their cool-down. */
  readonly perDevAddr: number;
  /**
   * BAD_MIC rejections handed in by one station within `windowMs` that start its cool-down — when
   * they are also at least half of the frames it handed in meanwhile: a busy station's occasional
   * corrupted frame is not a guess.
   */
  readonly perStation: number;
  readonly windowMs: number;
  /** How long frames of a throttled DevAddr (from that station) or station are refused as MIC_THROTTLED, ms. */
  readonly coolDownMs: number;
}

export const DEFAULT_MIC_THROTTLE: MicThrottlePolicy = {
  perDevAddr: 10,
  perStation: 200,
  windowMs: 60_000,
  coolDownMs: 300_000,
};

/** One key's failures in the current fixed window, and until when it is throttled. */
interface Tally {
  windowStart: number;
  failures: number;
  /** Frames handed in within the window (stations only). */
  frames: number;
  until: number;
}

/**
 * Stops MIC guessing: a 32-bit MIC is a guess an attacker can repeat, each try costing a MIC
 * computation per session of the DevAddr. After too many failures within a window, a DevAddr's
 * frames from that station, and a station's frames (for any DevAddr), are refused for a cool-down
 * without verifying anything: guessing then costs nothing and cannot go on. The terminal itself is
 * refused at that station too while it lasts — the price of not letting a guess through — and is
 * heard again after. Keyed per station, not per DevAddr alone: a DevAddr travels in clear, and
 * forged frames carrying it, heard through one station, must not silence the terminal everywhere.
 *
 * In memory, per node: each node of a cluster counts what it ingests (a guesser spread over nodes
 * gets at most the limit per node and window). Fixed windows (not sliding): within any two
 * consecutive windows a key gets at most twice its limit before it is throttled.
 */
export class MicThrottle {
  private readonly addrs = new Map<string, Tally>();
  private readonly stations = new Map<string, Tally>();
  /** The latest end of a cool-down: before any, and once it has passed, a frame costs one comparison here. */
  private latestUntil = 0;
  /** Keys tracked at most per map (oldest first out): a flood of DevAddrs cannot grow it without bound. */
  private static readonly MAX_KEYS = 100_000;

  constructor(readonly policy: MicThrottlePolicy = DEFAULT_MIC_THROTTLE) {}

  /** Whether frames of this DevAddr from this station, or any from this station, are refused unchecked at `now`. */
  throttled(devAddr: string, stationId: string, now: number): boolean {
    if (now >= this.latestUntil) return false;
    return (
      (this.addrs.get(`${devAddr}@${stationId}`)?.until ?? 0) > now || (this.stations.get(stationId)?.until ?? 0) > now
    );
  }

  /** Counts `frames` handed in by a station (a batch), the measure its bad MICs are taken against. */
  heard(stationId: string, frames: number, now: number): void {
    this.tally(this.stations, stationId, now).frames += frames;
  }

  /** Counts a bad MIC of this DevAddr handed in by this station. */
  failed(devAddr: string, stationId: string, now: number): void {
    const a = this.tally(this.addrs, `${devAddr}@${stationId}`, now);
    if (++a.failures >= this.policy.perDevAddr) this.throttle(a, now);
    const s = this.tally(this.stations, stationId, now);
    if (++s.failures >= this.policy.perStation && 2 * s.failures >= s.frames) this.throttle(s, now);
  }

  private tally(map: Map<string, Tally>, key: string, now: number): Tally {
    let t = map.get(key);
    if (!t) {
      if (map.size >= MicThrottle.MAX_KEYS) map.delete(map.keys().next().value!);
      map.set(key, (t = { windowStart: now, failures: 0, frames: 0, until: 0 }));
    }
    this.roll(t, now);
    return t;
  }

  private roll(t: Tally, now: number): void {
    if (now - t.windowStart >= this.policy.windowMs) {
      t.windowStart = now;
      t.failures = 0;
      t.frames = 0;
    }
  }

  private throttle(t: Tally, now: number): void {
    t.until = now + this.policy.coolDownMs;
    this.latestUntil = Math.max(this.latestUntil, t.until);
    t.windowStart = t.until;
    t.failures = 0;
    t.frames = 0;
  }
}

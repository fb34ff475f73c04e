/**
 * Air-frame crypto rate on one core: MIC verification + payload decryption of pre-built uplinks
 * (~40-byte payloads, counters on both sides of 65,535) under a mix of 1,000 sessions, for both
 * suites and for each CBC-MAC strategy of src/frame/crypto-suite.ts. Prints one JSON object.
 *
 *   node --import tsx bench/frame.bench.ts [--frames 100000] [--keys 1000] [--payload 40] [--rounds 5]
 *
 * `crypto` is verifyMic + decryptPayload on parsed frames; `parseAndCrypto` adds parseDataFrame.
 * The target is ≥ 300,000 frames/s per core for aes128 (`crypto`).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { buildDataFrame, parseDataFrame, type DataFrame } from '../src/frame/lorawan-frame.js';
import { decryptPayload, verifyMic } from '../src/frame/frame-crypto.js';
import {
  setCbcMacStrategy,
  type CbcMacStrategy,
  type CryptoSuite,
  type SessionKeys,
} from '../src/frame/crypto-suite.js';

// Not bench-util's flag(): that module loads the built orbit code, which this bench does not need.
function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const FRAMES = Number(flag('frames', '100000'));
const KEYS = Number(flag('keys', '1000'));
const PAYLOAD = Number(flag('payload', '40'));
const ROUNDS = Number(flag('rounds', '5'));

interface Batch {
  /** All PHYPayloads back to back (one buffer, as frames sit in a receive buffer). */
  phys: Uint8Array[];
  /** The same frames parsed once, in a separate pass (so they lie together in memory). */
  frames: DataFrame[];
  fCnt32: Uint32Array;
  keys: SessionKeys[];
}

function buildBatch(suite: CryptoSuite): Batch {
  const sessions = Array.from({ length: KEYS }, () => ({
    keys: { suite, nwkSKey: new Uint8Array(randomBytes(16)), appSKey: new Uint8Array(randomBytes(16)) } as SessionKeys,
    devAddr: randomBytes(4).toString('hex'),
    // Counters on both sides of 65,535.
    fCnt: randomBytes(3).readUIntLE(0, 3),
  }));
  const all = new Uint8Array(FRAMES * 256);
  const phys: Uint8Array[] = [];
  const fCnt32 = new Uint32Array(FRAMES);
  const keys: SessionKeys[] = [];
  let at = 0;
  for (let i = 0; i < FRAMES; i++) {
    // Consecutive frames come from different terminals, as they do at an ingest point.
    const s = sessions[(i * 7919) % KEYS]!;
    fCnt32[i] = s.fCnt++;
    const phy = buildDataFrame(
      {
        mtype: i % 10 === 0 ? 'confirmed-data-up' : 'unconfirmed-data-up',
        devAddr: s.devAddr,
        fCnt32: fCnt32[i]!,
        fPort: 1 + (i % 200),
        payload: new Uint8Array(randomBytes(PAYLOAD)),
      },
      s.keys,
    );
    all.set(phy, at);
    phys.push(all.subarray(at, at + phy.length));
    at += phy.length;
    keys.push(s.keys);
  }
  return { phys, frames: phys.map(parseDataFrame), fCnt32, keys };
}

let sink = 0;

function cryptoPass(b: Batch): void {
  const { frames, fCnt32, keys } = b;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (!verifyMic(f, fCnt32[i]!, keys[i]!)) throw new Error('MIC failed');
    sink += decryptPayload(f, fCnt32[i]!, keys[i]!).length;
  }
}

function parseCryptoPass(b: Batch): void {
  const { phys, fCnt32, keys } = b;
  for (let i = 0; i < phys.length; i++) {
    const f = parseDataFrame(phys[i]!);
    if (!verifyMic(f, fCnt32[i]!, keys[i]!)) throw new Error('MIC failed');
    sink += decryptPayload(f, fCnt32[i]!, keys[i]!).length;
  }
}

interface Rate {
  /** Frames per second of wall time: median round. */
  wall: number;
  /**
   * Frames per second of this process's CPU time (user + system): median round. Less sensitive to other load on the
   * machine.
   */
  cpu: number;
  /** Best round, wall time. */
  bestWall: number;
}

/** ROUNDS timed passes after one warm-up pass. */
function rate(b: Batch, pass: (b: Batch) => void): Rate {
  pass(b);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    pass(b);
    const dt = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    wall.push(FRAMES / dt);
    cpu.push(FRAMES / ((c.user + c.system) / 1e6));
  }
  const median = (xs: number[]): number => Math.round(xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!);
  return { wall: median(wall), cpu: median(cpu), bestWall: Math.round(Math.max(...wall)) };
}

const STRATEGIES: readonly CbcMacStrategy[] = ['cbc-persistent', 'cbc-per-call', 'ecb-chain'];
const result: Record<string, unknown> = {
  frames: FRAMES,
  keys: KEYS,
  payloadBytes: PAYLOAD,
  rounds: ROUNDS,
  node: process.version,
};
const bySuite: Record<string, unknown> = {};
for (const suite of ['aes128', 'sm4'] as const) {
  const batch = buildBatch(suite);
  const perStrategy: Record<string, Rate> = {};
  for (const s of STRATEGIES) {
    setCbcMacStrategy(s);
    perStrategy[s] = rate(batch, cryptoPass);
  }
  setCbcMacStrategy('cbc-persistent');
  bySuite[suite] = {
    crypto: perStrategy['cbc-persistent'],
    parseAndCrypto: rate(batch, parseCryptoPass),
    cryptoByCbcMacStrategy: perStrategy,
  };
}
result.suites = bySuite;
result.targetAes128FramesPerS = 300_000;
/** Other work on the machine skews `wall` (and, less, `cpu`): the 1-minute load average when done. */
result.loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
if (sink < 0) process.stdout.write('');
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

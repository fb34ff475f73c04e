import { randomBytes } from 'node:crypto';
import { buildDataFrame, type SessionKeys } from '../../frame/index.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import type { Core } from '../../core/core.js';
import type { NewTerminal } from '../../core/provisioning.js';

/** A terminal of a benchmark: its address and session keys. */
export interface BenchTerminal {
  readonly devEui: string;
  readonly devAddr: string;
  readonly keys: SessionKeys;
}

/** `n` terminals with random AES-128 keys; DevAddrs from 0x26000000, DevEUIs tagged with this run. */
export function benchTerminals(n: number): BenchTerminal[] {
  const runTag = randomBytes(2).toString('hex');
  return Array.from({ length: n }, (_, k) => ({
    devEui: `${runTag}${k.toString(16).padStart(12, '0')}`,
    devAddr: (0x26000000 + k).toString(16).padStart(8, '0'),
    keys: { suite: 'aes128' as const, nwkSKey: randomBytes(16), appSKey: randomBytes(16) },
  }));
}

/** A bench terminal as an operator registers it (a fixed collector, AES-128 keys in hex), with `over` on top. */
export function benchTerminalRow(
  tenantId: string,
  t: BenchTerminal,
  over: Partial<NewTerminal> = {},
): NewTerminal & { devEui: string } {
  return {
    tenantId,
    devEui: t.devEui,
    devAddr: t.devAddr,
    nwkSKey: Buffer.from(t.keys.nwkSKey).toString('hex'),
    appSKey: Buffer.from(t.keys.appSKey).toString('hex'),
    suite: 'aes128',
    profile: 'fixed-collector',
    ...over,
  };
}

/**
 * Registers the terminals as an operator's import does (bulk, under the registration policy); throws the first refusal.
 */
export async function registerBenchTerminals(
  core: Core,
  tenantId: string,
  terms: readonly BenchTerminal[],
  over: Partial<NewTerminal> = {},
): Promise<void> {
  const made = await core.registration.createTerminals(
    terms.map((t) => benchTerminalRow(tenantId, t, over)),
    { kind: 'cli', id: 'bench' },
  );
  const refused = made.find((r) => r instanceof Error);
  if (refused) throw refused;
}

/**
 * About `frames` gateway frames as satellites hand them in: terminal i % K sends counter ⌊i / K⌋;
 * ~10 % are second copies from another satellite; ~0.5 % are bad (a broken MIC or truncated
 * bytes); neighbours are swapped now and then (store-and-forward delivers out of order).
 */
export function benchFrames(
  terms: readonly BenchTerminal[],
  frames: number,
  capturedFrom = Date.now() - 3_600_000,
): UplinkFrameInput[] {
  const unique = Math.round(frames / 1.1);
  const out: UplinkFrameInput[] = [];
  const payload = randomBytes(40);
  for (let i = 0; i < unique; i++) {
    const term = terms[i % terms.length]!;
    const phy = buildDataFrame(
      { mtype: 'unconfirmed-data-up', devAddr: term.devAddr, fCnt32: Math.floor(i / terms.length), fPort: 10, payload },
      term.keys,
    );
    const capturedAt = new Date(capturedFrom + i).toISOString();
    out.push({
      phyPayload: Buffer.from(phy).toString('base64'),
      satelliteId: `SAT-${i % 24}`,
      capturedAt,
      downlinkedAt: new Date(capturedFrom + i + 600_000).toISOString(),
      rssi: -120,
      snr: -5,
    });
    if (i % 10 === 5) out.push({ ...out[out.length - 1]!, satelliteId: `SAT-${(i + 7) % 24}` });
    if (i % 200 === 17) {
      const bad = Buffer.from(phy);
      if (i % 400 === 17) bad[bad.length - 1]! ^= 0xff; // broken MIC
      out.push({ ...out[out.length - 1]!, phyPayload: (i % 400 === 17 ? bad : bad.subarray(0, 7)).toString('base64') });
    }
    if (i % 97 === 3 && out.length >= 2) {
      const a = out.length - 1;
      [out[a - 1], out[a]] = [out[a]!, out[a - 1]!];
    }
  }
  return out;
}

/** The frames in batches of `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

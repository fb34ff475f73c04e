import type { SimMessage } from '../model/twin-model.js';
import type { TwinModel } from '../model/twin-model.js';
import type { DownlinkTrack, TwinRunner } from '../runtime/twin-runner.js';
import { round, summarize, type Summary } from './stats.js';

export interface Counts {
  generated: number;
  /** Heard by at least one satellite (then delivered, lost to a full buffer, or still on board). */
  captured: number;
  /** Accepted by the core (each message once, however many satellites relayed it). */
  delivered: number;
  deliveryRatio: number;
  lostCollision: number;
  lostBuffer: number;
  /** Heard by a satellite but too weak to decode (link budget). */
  lostLink: number;
  /** Sent blindly with no satellite in view. */
  lostNoSatellite: number;
  /** Still waiting for a satellite, on board, or at a ground station when the run ended. */
  inFlight: number;
}

export type Quantiles = Pick<Summary, 'p50' | 'p95' | 'p99'> & { mean: number; max: number };

export interface SimulationReport extends Counts {
  scenario: string;
  start: string;
  hours: number;
  satellites: number;
  groundStations: number;
  terminals: number;
  /** End-to-end: created at the terminal → accepted by the core, minutes. */
  latencyMin: Quantiles;
  /**
   * Per hop, minutes: wait for a satellite (created → sent), on board (captured → dumped to a station), ground → core.
   */
  hops: { waitForSatellite: Quantiles; onBoard: Quantiles; groundToCore: Quantiles };
  sectors: Record<string, Counts & { latencyMin: Quantiles }>;
  /** Frame copies posted by ground stations (a frame relayed by two satellites counts twice). */
  framesPosted: number;
  duplicates: number;
  rejected: number;
  rejectedCodes: Record<string, number>;
  downlinks: {
    queued: number;
    uploaded: number;
    transmitted: number;
    acknowledged: number;
    etaErrorMin: Quantiles & { meanSigned: number };
  };
  /** Per simulated hour from the start: messages generated and delivered. */
  perHour: Array<{ hour: number; generated: number; delivered: number }>;
  /** Frames on board, sampled each window: total and the fullest satellite. */
  bufferOccupancy: Array<{ t: number; total: number; maxSatellite: number }>;
  /** Sorted end-to-end latencies (minutes) thinned to ≤ 500 points, for the CDF chart. */
  latencyCdf: Array<[number, number]>;
  /** Wall time of the run and of its provisioning part, seconds (not part of the deterministic output). */
  wallSeconds: number;
  provisionSeconds: number;
  plan?: PlanComparison;
  /** With terrestrial gateways in the scenario: how traffic reached the core by each path. */
  paths?: PathReport;
}

/** Satellite and terrestrial paths side by side (a message heard by both counts for both). */
export interface PathReport {
  terrestrialGateways: number;
  /** Delivered messages whose first copy came by each path, and their share of all delivered messages. */
  firstBy: { satellite: number; terrestrial: number };
  share: { satellite: number; terrestrial: number };
  /** Delivered messages each path carried at all; `both`: by the ground and through a satellite. */
  deliveredBy: { satellite: number; terrestrial: number; both: number };
  /** Created at the terminal → accepted through that path, minutes, over the messages it carried. */
  latencyMin: { satellite: Quantiles; terrestrial: Quantiles };
  /** Copies gateways forwarded and the core acknowledged; copies never acknowledged. */
  groundFrames: number;
  groundLost: number;
}

/** The analytic plans against the twin for the same fixed terminals, minutes (see plan-comparison.ts). */
export interface PlanComparison {
  meanMin: number;
  p50Min: number;
  p95Min: number;
  twinMeanMin: number;
  twinP50Min: number;
  twinP95Min: number;
  waitMeanMin: number;
  waitP95Min: number;
  twinWaitMeanMin: number;
  twinWaitP95Min: number;
  note: string;
}

const MIN = 60_000;
const q = (s: Summary): Quantiles => ({ p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, max: s.max });

function counts(msgs: readonly SimMessage[], ingestedAt: Float64Array): Counts & { latencyMin: Quantiles } {
  const c: Counts = {
    generated: msgs.length,
    captured: 0,
    delivered: 0,
    deliveryRatio: 0,
    lostCollision: 0,
    lostBuffer: 0,
    lostLink: 0,
    lostNoSatellite: 0,
    inFlight: 0,
  };
  const lat: number[] = [];
  for (const m of msgs) {
    const ing = ingestedAt[m.id]!;
    if (m.outcome === 'on-board' || m.outcome === 'downlinked' || m.outcome === 'lost-buffer') c.captured++;
    // A message a terrestrial gateway delivered is not lost, whatever became of its satellite copies.
    if (!Number.isNaN(ing) && !Number.isNaN(m.groundAt)) {
      c.delivered++;
      lat.push((ing - m.createdAt) / MIN);
      continue;
    }
    if (m.outcome === 'lost-collision') c.lostCollision++;
    else if (m.outcome === 'lost-link') c.lostLink++;
    else if (m.outcome === 'no-satellite') c.lostNoSatellite++;
    else if (m.outcome === 'lost-buffer') c.lostBuffer++;
    if (!Number.isNaN(ing)) {
      c.delivered++;
      lat.push((ing - m.createdAt) / MIN);
    } else if (m.outcome === 'waiting' || m.outcome === 'on-board' || m.outcome === 'downlinked') c.inFlight++;
  }
  c.deliveryRatio = c.generated > 0 ? round(c.delivered / c.generated, 4) : 0;
  return { ...c, latencyMin: q(summarize(lat)) };
}

/** The report of a finished run, from the model's messages and what the core accepted. */
export function buildReport(
  model: TwinModel,
  runner: TwinRunner,
  occupancy: SimulationReport['bufferOccupancy'],
  timing: { wallSeconds: number; provisionSeconds: number },
  acknowledged: number,
): SimulationReport {
  const s = model.scenario;
  const msgs = model.messages;
  const ing = runner.ingestedAt;
  const all = counts(msgs, ing);
  const wait: number[] = [],
    board: number[] = [],
    ground: number[] = [],
    e2e: number[] = [];
  for (const m of msgs) {
    const t = ing[m.id]!;
    if (Number.isNaN(t)) continue;
    e2e.push((t - m.createdAt) / MIN);
    // The satellite hops, over the messages a satellite carried.
    const sat = runner.satelliteAt[m.id]!;
    if (Number.isNaN(sat)) continue;
    wait.push((m.txAt - m.createdAt) / MIN);
    board.push((m.downlinkedAt - m.capturedAt) / MIN);
    ground.push((sat - m.downlinkedAt) / MIN);
  }
  const sectors: SimulationReport['sectors'] = {};
  const bySector = new Map<string, SimMessage[]>();
  for (const m of msgs) {
    const sector = s.tenants[model.fleet.tenantOf[m.terminal]!]!.sector;
    let l = bySector.get(sector);
    if (!l) bySector.set(sector, (l = []));
    l.push(m);
  }
  for (const [k, l] of bySector) sectors[k] = counts(l, ing);

  const hours = Math.ceil(s.hours);
  const perHour = Array.from({ length: hours }, (_, h) => ({ hour: h, generated: 0, delivered: 0 }));
  for (const m of msgs) {
    const h = Math.floor((m.createdAt - s.start) / 3_600_000);
    if (h >= 0 && h < hours) perHour[h]!.generated++;
    const t = ing[m.id]!;
    const hd = Math.floor((t - s.start) / 3_600_000);
    if (!Number.isNaN(t) && hd >= 0 && hd < hours) perHour[hd]!.delivered++;
  }

  const sorted = Float64Array.from(e2e).sort();
  const cdf: Array<[number, number]> = [];
  const stride = Math.max(1, Math.floor(sorted.length / 500));
  for (let i = 0; i < sorted.length; i += stride) cdf.push([round(sorted[i]!), round((i + 1) / sorted.length, 4)]);
  if (sorted.length > 0) cdf.push([round(sorted[sorted.length - 1]!), 1]);

  const etaErr: number[] = [];
  for (const d of runner.downlinks.values() as Iterable<DownlinkTrack>)
    if (d.eta !== null && d.transmittedAt !== undefined) etaErr.push((d.transmittedAt - d.eta) / MIN);
  const etaAbs = summarize(etaErr.map(Math.abs));
  const signed = summarize(etaErr);

  const { latencyMin: _l, ...allCounts } = all;
  return {
    scenario: s.name,
    start: new Date(s.start).toISOString(),
    hours: s.hours,
    satellites: model.sky.satellites.length,
    groundStations: s.groundStations.length,
    terminals: model.fleet.count,
    ...allCounts,
    latencyMin: q(summarize(e2e)),
    hops: { waitForSatellite: q(summarize(wait)), onBoard: q(summarize(board)), groundToCore: q(summarize(ground)) },
    sectors,
    framesPosted: runner.stats.framesPosted,
    duplicates: runner.stats.duplicates,
    rejected: runner.stats.rejected,
    rejectedCodes: runner.stats.rejectedCodes,
    downlinks: {
      queued: runner.stats.downlinksQueued,
      uploaded: runner.stats.downlinksUploaded,
      transmitted: runner.stats.downlinksTransmitted,
      acknowledged,
      etaErrorMin: { ...q(etaAbs), meanSigned: signed.mean },
    },
    perHour,
    bufferOccupancy: occupancy,
    latencyCdf: cdf,
    wallSeconds: round(timing.wallSeconds),
    provisionSeconds: round(timing.provisionSeconds),
    ...(s.terrestrialGateways.length > 0 ? { paths: pathReport(model, runner) } : {}),
  };
}

function pathReport(model: TwinModel, runner: TwinRunner): PathReport {
  const firstBy = { satellite: 0, terrestrial: 0 },
    deliveredBy = { satellite: 0, terrestrial: 0, both: 0 };
  const satLat: number[] = [],
    groundLat: number[] = [];
  for (const m of model.messages) {
    const sat = runner.satelliteAt[m.id]!,
      gnd = runner.groundAt[m.id]!;
    const bySat = !Number.isNaN(sat),
      byGround = !Number.isNaN(gnd);
    if (!bySat && !byGround) continue;
    if (bySat) {
      deliveredBy.satellite++;
      satLat.push((sat - m.createdAt) / MIN);
    }
    if (byGround) {
      deliveredBy.terrestrial++;
      groundLat.push((gnd - m.createdAt) / MIN);
    }
    if (bySat && byGround) deliveredBy.both++;
    if (byGround && (!bySat || gnd <= sat)) firstBy.terrestrial++;
    else firstBy.satellite++;
  }
  const delivered = firstBy.satellite + firstBy.terrestrial;
  return {
    terrestrialGateways: model.scenario.terrestrialGateways.length,
    firstBy,
    share: {
      satellite: delivered ? round(firstBy.satellite / delivered, 4) : 0,
      terrestrial: delivered ? round(firstBy.terrestrial / delivered, 4) : 0,
    },
    deliveredBy,
    latencyMin: { satellite: q(summarize(satLat)), terrestrial: q(summarize(groundLat)) },
    groundFrames: runner.stats.groundFrames,
    groundLost: runner.stats.groundLost,
  };
}

/**
 * Why the planner propagates with satellite.js's JS SGP4 and not its WASM BulkPropagator: the cost
 * of one plan's ephemeris (100 satellites × 36 h at the planner's 120 s step, ECEF position and
 * velocity) both ways, in one run, with the single-thread WASM runtime.
 *
 *   npm run bench:sgp4
 */
import {
  BulkPropagator,
  createSingleThreadRuntime,
  EciBaseCalculator,
  EcfPositionCalculator,
  EcfVelocityCalculator,
  GmstCalculator,
} from 'satellite.js';
import { benchConstellation, flag } from './bench-util.js';
import { computeEphemeris } from '../dist/plan/ephemeris.js';

const { sats, source, start } = benchConstellation();
const stepMs = Number(flag('step', '120')) * 1000;
const hours = Number(flag('hours', '36'));
const steps = Math.floor((hours * 3_600_000) / stepMs) + 1;

computeEphemeris(sats, start, start + hours * 3_600_000, stepMs); // warm-up
let t0 = performance.now();
const reps = 5;
for (let i = 0; i < reps; i++) computeEphemeris(sats, start, start + hours * 3_600_000, stepMs);
const js = (performance.now() - t0) / reps / 1000;

const runtime = await createSingleThreadRuntime();
const dates = Array.from({ length: steps }, (_, k) => new Date(start + k * stepMs));
const propagator = new BulkPropagator({
  runtime,
  calculators: [
    new EciBaseCalculator(),
    new GmstCalculator(),
    new EcfPositionCalculator(),
    new EcfVelocityCalculator(),
  ],
  satRecsCount: sats.length,
  datesCount: steps,
});
propagator.setSatRecs(sats.map((s) => s.satrec));
propagator.setDates(dates);
propagator.run();
t0 = performance.now();
for (let i = 0; i < reps; i++) propagator.run();
const wasm = (performance.now() - t0) / reps / 1000;
propagator.dispose();

console.log(
  JSON.stringify(
    {
      benchmark: 'sgp4-ephemeris',
      constellation: source,
      propagations: sats.length * steps,
      jsSeconds: Number(js.toFixed(4)),
      wasmBulkSeconds: Number(wasm.toFixed(4)),
      wasmSpeedup: Number((js / wasm).toFixed(2)),
      note:
        "the ephemeris is < 1 % of a coverage plan's time; the JS path keeps one SGP4 code path for passes " +
        'and plans',
    },
    null,
    2,
  ),
);

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initSync as initMstl, MSTL } from '@bsull/augurs/mstl';
import { initSync as initEts, AutoETS } from '@bsull/augurs/ets';
import { initSync as initSeasons, seasonalities } from '@bsull/augurs/seasons';
import type { Band, ForecastEngine } from '../learn/engine.js';

let ready = false;

/** Instantiates augurs' WebAssembly modules once per thread (synchronously, from the package's files). */
function load(): void {
  if (ready) return;
  const dir = dirname(createRequire(import.meta.url).resolve('@bsull/augurs/mstl'));
  initMstl({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  initEts({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  initSeasons({ module: readFileSync(join(dir, 'seasons_bg.wasm')) });
  ready = true;
}

function band(f: { point: number[]; intervals: { lower: number[]; upper: number[] } | undefined }): Band {
  return { point: f.point, lower: f.intervals?.lower ?? f.point, upper: f.intervals?.upper ?? f.point };
}

/**
 * The learn module's engine on Grafana's augurs (WebAssembly): MSTL with an AutoETS trend, AutoETS,
 * and periodogram seasonality detection. Every model object is freed after use.
 */
export function augursEngine(): ForecastEngine {
  load();
  return {
    seasonalities(y) {
      return [...seasonalities(Float64Array.from(y))];
    },
    mstl(y, periods, horizon, level) {
      const m = MSTL.ets([...periods]);
      try {
        m.fit(Float64Array.from(y));
        return { forecast: band(m.predict(horizon, level)), inSample: band(m.predictInSample(level)) };
      } finally {
        m.free();
      }
    },
    ets(y, horizon, level) {
      const m = new AutoETS(1, 'ZZN');
      try {
        m.fit(Float64Array.from(y));
        return band(m.predict(horizon, level));
      } finally {
        m.free();
      }
    },
  };
}

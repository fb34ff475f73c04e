import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { labelledSignal } from '../../src/twin/model/signals.js';

/** A twin water-level signal with its labelled faults, as an analyst's CSV (YYYY-MM-DD HH:MM:SS, UTC). */
function csv(): { path: string; faults: ReturnType<typeof labelledSignal>['faults']; start: number; last: number } {
  const s = labelledSignal('water-level', 5, { days: 20 });
  const dir = mkdtempSync(join(tmpdir(), 'satiot-learn-'));
  const path = join(dir, 'level.csv');
  const rows = s.y.map(
    (v, i) => `${new Date(s.start + i * s.stepMs).toISOString().replace('T', ' ').slice(0, 19)},${v.toFixed(4)}`,
  );
  writeFileSync(path, `timestamp,value\n${rows.join('\n')}\n`);
  return { path, faults: s.faults, start: s.start, last: s.start + (s.y.length - 1) * s.stepMs };
}

describe('satiot learn', () => {
  it('detect --format json lists anomalies with score, expected value and band; the injected dropout is among them', async () => {
    const c = csv();
    const r = await runCli(['learn', 'detect', '--input', c.path, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      anomalies: Array<{
        timestamp: string;
        score: number;
        reason: string;
        value: number;
        expected: number;
        lower: number;
        upper: number;
      }>;
      model: { kind: string };
    };
    expect(out.model.kind).toBe('local-median');
    expect(out.anomalies.length).toBeGreaterThan(0);
    for (const a of out.anomalies) {
      expect(a.score).toBeGreaterThanOrEqual(0.5);
      expect(a.score).toBeLessThanOrEqual(1);
      expect(a.reason === 'flatline' || a.value < a.lower || a.value > a.upper).toBe(true);
    }
    for (const f of c.faults.filter((x) => x.kind === 'dropout' || x.kind === 'spike')) {
      const from = c.start + (f.from - 1) * 3_600_000,
        to = c.start + (f.to + 1) * 3_600_000;
      expect(out.anomalies.some((a) => Date.parse(a.timestamp) >= from && Date.parse(a.timestamp) <= to)).toBe(true);
    }
  });

  it('forecast --horizon N --format json gives N steps after the last value at its spacing, each inside its interval', async () => {
    const c = csv();
    const r = await runCli(['learn', 'forecast', '--input', c.path, '--horizon', '6', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      forecast: Array<{ timestamp: string; value: number; lower: number; upper: number }>;
      model: { stepMs: number; level: number };
    };
    expect(out.forecast.map((p) => Date.parse(p.timestamp))).toEqual(
      [1, 2, 3, 4, 5, 6].map((k) => c.last + k * 3_600_000),
    );
    for (const p of out.forecast) expect(p.lower <= p.value && p.value <= p.upper).toBe(true);
    expect(out.model).toMatchObject({ stepMs: 3_600_000, level: 0.8 });
    const text = await runCli(['learn', 'forecast', '--input', c.path, '--horizon', '2']);
    expect(text.stdout).toMatch(/80 % interval/);
  });

  it('refuses a malformed series with SERIES_INVALID naming the line, a missing file with FILE_NOT_READABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satiot-learn-'));
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,value\n2026-06-01 00:00:00,1\n2026-06-01 01:00:00,high\n');
    const bad = await runCli(['learn', 'detect', '--input', join(dir, 'bad.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error SERIES_INVALID: line 3/);
    expect((await runCli(['learn', 'forecast', '--input', join(dir, 'none.csv'), '--horizon', '3'])).stderr).toMatch(
      /^error FILE_NOT_READABLE/,
    );
  });

  it('evaluate prints each model against its baseline and says which targets are met', async () => {
    const r = await runCli(['learn', 'evaluate', '--series', '3', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as {
      rows: Array<{
        kind: string;
        detection: { model: { f1: number }; zscore: { f1: number } };
        forecast: { mase: number; seasonalNaiveMase: number; coverage: number };
      }>;
      met: Record<string, boolean>;
    };
    expect(e.rows.map((x) => x.kind)).toEqual(['water-level', 'conductor-temperature']);
    for (const row of e.rows) {
      expect(row.detection.model.f1).toBeGreaterThan(0);
      expect(row.forecast.mase).toBeGreaterThan(0);
      expect(row.forecast.coverage).toBeGreaterThan(0);
    }
    expect(Object.keys(e.met).sort()).toEqual(['coverage', 'f1Ratio', 'mase']);
    const text = await runCli(['learn', 'evaluate', '--series', '2']);
    expect(text.stdout).toMatch(/F1 model \/ z-score/);
    expect(text.stdout).toMatch(/targets met:/);
  }, 60_000);

  it('evaluate-next-message runs the twin and scores next-message forecasts against the baseline at the same times', async () => {
    // A twin run of 30 simulated hours: about 15 s alone, longer beside the other test files.
    const r = await runCli(['learn', 'evaluate-next-message', '--hours', '30', '--format', 'json'], {
      timeoutMs: 100_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as {
      terminals: number;
      forecasts: number;
      coverage: number;
      maeMs: number;
      naiveMaeMs: number;
      withContactPlan: number;
      contactPlan: { forecasts: number };
      young: { forecasts: number; answeredAlone: number; answeredWithPrior: number };
    };
    expect(e.terminals).toBeGreaterThan(100);
    expect(e.withContactPlan).toBeGreaterThan(0);
    expect(e.forecasts).toBeGreaterThan(300);
    expect(e.contactPlan.forecasts).toBeGreaterThan(0);
    // Six hours of forecasts: loose bounds around the 72-hour figures in docs/intelligence.md.
    expect(e.coverage).toBeGreaterThan(0.6);
    expect(e.coverage).toBeLessThan(0.95);
    expect(e.maeMs).toBeLessThan(e.naiveMaeMs * 1.1);
    // A terminal joining a day in is forecast from its first arrivals with its peers' prior; alone, from its fourth.
    expect(e.young.forecasts).toBeGreaterThan(200);
    expect(e.young.answeredWithPrior).toBeGreaterThan(e.young.answeredAlone * 1.5);
    const bad = await runCli(['learn', 'evaluate-next-message', '--hours', '2']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--hours/);
  }, 120_000);

  it("evaluate-eta scores learned ETAs on the twin's trucks against distance over recent speed", async () => {
    const r = await runCli(['learn', 'evaluate-eta', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout) as {
      vehicles: number;
      forecasts: number;
      coverage: number;
      maeMs: number;
      baselineMaeMs: number;
      met: Record<string, boolean>;
    };
    expect(e.vehicles).toBe(40);
    expect(e.forecasts).toBeGreaterThan(500);
    expect(e.coverage).toBeGreaterThan(0.7);
    expect(e.maeMs).toBeLessThan(e.baselineMaeMs);
    const text = await runCli(['learn', 'evaluate-eta']);
    expect(text.stdout).toMatch(/MAE distance ÷ recent speed/);
    expect(text.stdout).toMatch(/targets met: coverage yes/);
  }, 60_000);
});

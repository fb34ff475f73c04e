import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SatiotError } from '../../errors/satiot-error.js';
import { parseChoice, parseInteger, parseNumber } from '../options.js';
import { runAction } from '../run-action.js';
import { formatTable } from '../table.js';
import { iso } from '../../core/iso-time.js';

interface InputFlags {
  input: string;
  format: string;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function readSeries(path: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new SatiotError('FILE_NOT_READABLE', `cannot read ${path}`);
  }
}

/** `satiot learn …`: the learned models on plain CSV files, for analysts (docs/intelligence.md). */
export function registerLearnCommands(program: Command): void {
  const learn = program
    .command('learn')
    .description(
      'Learned models on a time series: anomalies, forecasts, and their evaluation against simple baselines ' +
        '(docs/intelligence.md)',
    );

  learn
    .command('detect')
    .description(
      'Score every value of a series for how unusual it is (0..1) and list the anomalies, each with its ' +
        'expected value and band',
    )
    .requiredOption(
      '--input <file.csv>',
      'a CSV with the header timestamp,value (YYYY-MM-DD HH:MM:SS or ISO 8601, UTC)',
    )
    .option(
      '--threshold <0..1>',
      'score at which a value is an anomaly (0.5: 4 robust sigmas from what its neighbours expect)',
      '0.5',
    )
    .option('--format <text|json>', 'output format', 'text')
    .addHelpText(
      'after',
      '\nExample:\n  satiot learn detect --input level.csv --format json\n  → ' +
        '{"anomalies":[{"timestamp":"2026-06-03T04:00:00.000Z","score":1,"reason":"deviation","value":0,' +
        '"expected":3.41,"lower":3.32,"upper":3.5}],"model":{…}}\n',
    )
    .action(
      runAction(async (o: InputFlags & { threshold: string }) => {
        const format = parseChoice(o.format, '--format', ['text', 'json'] as const);
        const threshold = parseNumber(o.threshold, '--threshold', 0.01, 1);
        const [{ parseSeriesCsv }, { detectAnomalies }] = await Promise.all([
          import('../../learn/series.js'),
          import('../../learn/anomaly.js'),
        ]);
        const r = detectAnomalies(parseSeriesCsv(readSeries(o.input)), { threshold });
        const anomalies = r.anomalies.map((a) => ({
          timestamp: iso(a.t),
          score: r4(a.score),
          reason: a.reason,
          value: a.value,
          expected: r4(a.expected),
          lower: r4(a.lower),
          upper: r4(a.upper),
        }));
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify({ anomalies, model: { ...r.model, sigma: r4(r.model.sigma) } })}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['timestamp', 'score', 'reason', 'value', 'expected', 'band'],
            anomalies.map((a) => [
              a.timestamp,
              a.score.toFixed(2),
              a.reason,
              String(a.value),
              String(a.expected),
              `${a.lower} … ${a.upper}`,
            ]),
          ),
        );
        process.stdout.write(
          `${anomalies.length} anomalies in ${r.points.length} values ` +
            `(${r.model.kind}: ${r.model.neighbours} neighbours each side, σ ${r4(r.model.sigma)}; a value ` +
            `repeated ${r.model.flatlineRun} times is a stuck sensor)\n`,
        );
      }),
    );

  learn
    .command('forecast')
    .description('Forecast the next N values of a series at its own spacing, with an 80 % prediction interval')
    .requiredOption(
      '--input <file.csv>',
      'a CSV with the header timestamp,value (YYYY-MM-DD HH:MM:SS or ISO 8601, UTC)',
    )
    .requiredOption('--horizon <N>', 'steps after the last value')
    .option('--level <0..1>', 'prediction interval', '0.8')
    .option('--format <text|json>', 'output format', 'text')
    .addHelpText(
      'after',
      '\nExample:\n  satiot learn forecast --input level.csv --horizon 24 --format json\n  → ' +
        '{"forecast":[{"timestamp":"…","value":3.52,"lower":3.41,"upper":3.63}, ' +
        '…],"model":{"kind":"mstl-ets","periods":[24],…}}\n',
    )
    .action(
      runAction(async (o: InputFlags & { horizon: string; level: string }) => {
        const format = parseChoice(o.format, '--format', ['text', 'json'] as const);
        const horizon = parseInteger(o.horizon, '--horizon', 1, 10_000);
        const level = parseNumber(o.level, '--level', 0.5, 0.99);
        const [{ parseSeriesCsv }, { forecastSeries }, { augursEngine }] = await Promise.all([
          import('../../learn/series.js'),
          import('../../learn/forecast.js'),
          import('../../integrations/augurs-engine.js'),
        ]);
        const f = forecastSeries(parseSeriesCsv(readSeries(o.input)), horizon, augursEngine(), { level });
        const forecast = f.points.map((p) => ({
          timestamp: iso(p.t),
          value: r4(p.value),
          lower: r4(p.lower),
          upper: r4(p.upper),
        }));
        const model = { ...f.model, trainedFrom: iso(f.model.trainedFrom), trainedTo: iso(f.model.trainedTo) };
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify({ forecast, model })}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['timestamp', 'value', `${Math.round(level * 100)} % interval`],
            forecast.map((p) => [p.timestamp, String(p.value), `${p.lower} … ${p.upper}`]),
          ),
        );
        process.stdout.write(
          `model ${model.kind}, periods ${model.periods.join(', ') || 'none'} steps ` +
            `of ${model.stepMs / 60_000} min, trained on ${model.observations} values ${model.trainedFrom} ` +
            `… ${model.trainedTo}\n`,
        );
      }),
    );

  learn
    .command('evaluate')
    .description(
      "Score the models on the twin's labelled signals against simple baselines in the same run: anomaly F1 " +
        'vs a rolling z-score, forecast MASE vs seasonal-naive, 80 % interval coverage',
    )
    .option('--series <n>', 'series of each kind (water level, conductor temperature)', '60')
    .option('--seed <n>', 'first seed', '1')
    .option('--format <text|json>', 'output format', 'text')
    .action(
      runAction(async (o: { series: string; seed: string; format: string }) => {
        const format = parseChoice(o.format, '--format', ['text', 'json'] as const);
        const [{ evaluateModels }, { augursEngine }, { Progress }] = await Promise.all([
          import('../learn/evaluate-models.js'),
          import('../../integrations/augurs-engine.js'),
          import('../progress.js'),
        ]);
        const progress = new Progress();
        const e = evaluateModels(augursEngine(), {
          count: parseInteger(o.series, '--series', 1, 1000),
          seed: parseInteger(o.seed, '--seed', 0, 2 ** 31 - 1),
          onProgress: (d, t) => progress.update('evaluate', d, t),
        });
        progress.stop();
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' ? r4(v) : v))}\n`);
          return;
        }
        const f = (x: number) => x.toFixed(2);
        process.stdout.write(
          formatTable(
            [
              'signal',
              'series',
              'F1 model / z-score',
              'ratio (≥ 1.25)',
              'P / R model',
              'MASE model / s-naive (≤ 0.8)',
              'median MASE',
              '80 % coverage (0.7–0.9)',
            ],
            e.rows.map((r) => [
              r.kind,
              String(r.series),
              `${f(r.detection.model.f1)} / ${f(r.detection.zscore.f1)}`,
              f(r.detection.ratio),
              `${f(r.detection.model.precision)} / ${f(r.detection.model.recall)}`,
              `${f(r.forecast.mase)} / ${f(r.forecast.seasonalNaiveMase)}`,
              `${f(r.forecast.maseMedian)} / ${f(r.forecast.seasonalNaiveMaseMedian)}`,
              f(r.forecast.coverage),
            ]),
          ),
        );
        process.stdout.write(
          `targets met: F1 ratio ${e.met.f1Ratio ? 'yes' : 'no'}, MASE ${e.met.mase ? 'yes' : 'no'}, ` +
            `coverage ${e.met.coverage ? 'yes' : 'no'}\n`,
        );
      }),
    );

  learn
    .command('evaluate-eta')
    .description(
      "Score learned ETAs on the twin's trucks: forecast arrivals 1–12 h ahead from each truck's reports, " +
        'against the distance left over the recent moving speed (80 % interval coverage, mean absolute error)',
    )
    .option('--scenario <name|file>', 'twin scenario', 'china-trial')
    .option('--seed <n>', 'seed of the forecast times and destinations', '1')
    .option('--format <text|json>', 'output format', 'text')
    .action(
      runAction(async (o: { scenario: string; seed: string; format: string }) => {
        const format = parseChoice(o.format, '--format', ['text', 'json'] as const);
        const [{ evaluateEta }, { Progress }] = await Promise.all([
          import('../learn/evaluate-eta.js'),
          import('../progress.js'),
        ]);
        const progress = new Progress();
        const e = evaluateEta({
          scenario: o.scenario,
          seed: parseInteger(o.seed, '--seed', 0, 2 ** 31 - 1),
          onProgress: (d, t) => progress.update('evaluate', d, t),
        });
        progress.stop();
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' ? r4(v) : v))}\n`);
          return;
        }
        const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
        process.stdout.write(
          formatTable(
            [
              'vehicles',
              'forecasts',
              '80 % coverage (0.7–0.9)',
              'MAE learned',
              'MAE distance ÷ recent speed',
              'ratio',
              'median error learned / baseline',
            ],
            [
              [
                String(e.vehicles),
                String(e.forecasts),
                e.coverage.toFixed(2),
                min(e.maeMs),
                min(e.baselineMaeMs),
                (e.maeMs / e.baselineMaeMs).toFixed(2),
                `${min(e.medianErrorMs)} / ${min(e.baselineMedianErrorMs)}`,
              ],
            ],
          ),
        );
        process.stdout.write(
          `targets met: coverage ${e.met.coverage ? 'yes' : 'no'}, better than the ` +
            `baseline ${e.met.beatsBaseline ? 'yes' : 'no'}\n`,
        );
      }),
    );

  learn
    .command('evaluate-next-message')
    .description(
      'Score next-message forecasts on the digital twin: run the scenario against an embedded core, ' +
        "forecast each terminal's next arrival at jittered times from what had arrived, and compare with what " +
        'came next (80 % interval coverage; error of the median against the newest arrival plus the median ' +
        'gap)',
    )
    .option('--scenario <name|file>', 'twin scenario', 'china-trial')
    .option('--hours <h>', 'simulated span; forecasts start after its first day', '72')
    .option('--seed <n>', 'seed of the forecast times', '1')
    .option('--format <text|json>', 'output format', 'text')
    .action(
      runAction(async (o: { scenario: string; hours: string; seed: string; format: string }) => {
        const format = parseChoice(o.format, '--format', ['text', 'json'] as const);
        const [{ evaluateNextMessage }, { Progress }] = await Promise.all([
          import('../learn/evaluate-next-message.js'),
          import('../progress.js'),
        ]);
        const progress = new Progress();
        const e = await evaluateNextMessage({
          scenario: o.scenario,
          hours: parseInteger(o.hours, '--hours', 25, 24 * 30),
          seed: parseInteger(o.seed, '--seed', 0, 2 ** 31 - 1),
          onProgress: (phase, d, t) => progress.update(phase, d, t),
        });
        progress.stop();
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' ? r4(v) : v))}\n`);
          return;
        }
        const min = (ms: number) => (Number.isFinite(ms) ? `${(ms / 60_000).toFixed(1)} min` : '—'),
          f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
        process.stdout.write(
          formatTable(
            ['', 'forecasts', '80 % coverage (0.7–0.9)', 'MAE of the median', 'baseline MAE', 'ratio'],
            [
              [
                'all terminals',
                String(e.forecasts),
                f(e.coverage),
                min(e.maeMs),
                min(e.naiveMaeMs),
                f(e.maeMs / e.naiveMaeMs),
              ],
              [
                'satellite-only, with their passes',
                String(e.contactPlan.forecasts),
                f(e.contactPlan.coverage),
                min(e.contactPlan.maeMs),
                '',
                '',
              ],
              [
                'satellite-only, without',
                String(e.contactPlan.forecasts),
                f(e.contactPlan.withoutCoverage),
                min(e.contactPlan.withoutMaeMs),
                '',
                '',
              ],
              [
                `young (first 5 arrivals), with peers' prior`,
                `${e.young.answeredWithPrior} of ${e.young.forecasts}`,
                f(e.young.coverage),
                min(e.young.maeMs),
                '',
                '',
              ],
            ],
          ),
        );
        process.stdout.write(
          `young terminals answered from their own history alone: ${e.young.answeredAlone} of ${e.young.forecasts}\n`,
        );
        process.stdout.write(
          `${e.terminals} terminals over ${e.hours} h of ${e.scenario}; overdue said ${e.overdue} ` +
            `times, ${e.overdueWrong} of them with a message within the hour\n`,
        );
        process.stdout.write(
          `targets met: coverage ${e.met.coverage ? 'yes' : 'no'}, better than the ` +
            `baseline ${e.met.beatsBaseline ? 'yes' : 'no'}\n`,
        );
      }),
    );
}

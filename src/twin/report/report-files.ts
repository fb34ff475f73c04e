import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { SimulationReport } from './simulation-report.js';
import { barChartSvg, lineChartSvg } from './charts.js';

/** The three charts of one report, or two reports side by side (--compare). */
export function reportCharts(reports: readonly SimulationReport[], labels: readonly string[]): Record<string, string> {
  const t0 = (r: SimulationReport) => Date.parse(r.start);
  return {
    'latency-cdf': lineChartSvg(
      'End-to-end latency (created → accepted by the core)',
      'minutes',
      'share of delivered messages',
      reports.map((r, i) => ({ label: labels[i]!, points: [[0, 0] as const, ...r.latencyCdf] })),
      { yMax: 1 },
    ),
    'buffer-occupancy': lineChartSvg(
      'Frames on board',
      'hours from start',
      'frames',
      reports.flatMap((r, i) => [
        {
          label: `${labels[i]} all satellites`,
          points: r.bufferOccupancy.map((o) => [(o.t - t0(r)) / 3_600_000, o.total] as const),
        },
        ...(reports.length === 1
          ? [
              {
                label: 'fullest satellite',
                points: r.bufferOccupancy.map((o) => [(o.t - t0(r)) / 3_600_000, o.maxSatellite] as const),
              },
            ]
          : []),
      ]),
    ),
    'messages-per-hour': barChartSvg(
      'Messages per hour',
      'hour',
      'messages',
      reports.length === 1
        ? [
            { label: 'generated', points: reports[0]!.perHour.map((h) => [h.hour, h.generated] as const) },
            { label: 'delivered', points: reports[0]!.perHour.map((h) => [h.hour, h.delivered] as const) },
          ]
        : reports.map((r, i) => ({
            label: `${labels[i]} delivered`,
            points: r.perHour.map((h) => [h.hour, h.delivered] as const),
          })),
    ),
  };
}

/** Writes report.json (or compare.json) and each chart as SVG and PNG into `dir`; returns the paths. */
export function writeReportFiles(
  dir: string,
  reports: readonly SimulationReport[],
  labels: readonly string[],
): string[] {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  const json = join(dir, reports.length === 1 ? 'report.json' : 'compare.json');
  writeFileSync(
    json,
    JSON.stringify(
      reports.length === 1 ? reports[0] : Object.fromEntries(reports.map((r, i) => [labels[i], r])),
      null,
      2,
    ) + '\n',
  );
  out.push(json);
  for (const [name, svg] of Object.entries(reportCharts(reports, labels))) {
    const svgPath = join(dir, `${name}.svg`),
      pngPath = join(dir, `${name}.png`);
    writeFileSync(svgPath, svg);
    writeFileSync(pngPath, new Resvg(svg, { background: '#fff', font: { loadSystemFonts: true } }).render().asPng());
    out.push(svgPath, pngPath);
  }
  return out;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellRing, type Grid } from '../plan/grid.js';
import { renderMapSvg } from '../report/svg-map.js';
import type { GroundStation } from '../plan/ground-station.js';
import type { Region } from '../plan/region.js';
import { SatiotError } from '../errors/satiot-error.js';

/**
 * Writes a plan's artefacts to `dir`: summary.json (the JSON printed on stdout), cells.geojson
 * (one Feature per H3 cell with all its metrics) and map.svg (a choropleth of `metric`).
 */
export function writePlanOutput(
  dir: string,
  p: {
    summary: unknown;
    perCell: ReadonlyArray<{ cell: string }>;
    grid: Grid;
    region: Region;
    metric: string;
    unit: string;
    scale?: number;
    title: string;
    subtitle: string;
    highIsBad: boolean;
    stations?: readonly GroundStation[];
  },
): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new SatiotError(
      'FILE_NOT_READABLE',
      `--out ${dir} cannot be created: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const files = [join(dir, 'summary.json'), join(dir, 'cells.geojson'), join(dir, 'map.svg')];
  writeFileSync(files[0]!, `${JSON.stringify(p.summary, null, 2)}\n`);
  const features = p.perCell.map((row) => ({
    type: 'Feature',
    properties: Object.fromEntries(
      Object.entries(row as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === 'number' && !Number.isFinite(v) ? null : v,
      ]),
    ),
    geometry: { type: 'Polygon', coordinates: [cellRing(String(row.cell))] },
  }));
  writeFileSync(files[1]!, JSON.stringify({ type: 'FeatureCollection', features }));
  const scale = p.scale ?? 1;
  writeFileSync(
    files[2]!,
    renderMapSvg({
      title: p.title,
      subtitle: p.subtitle,
      unit: p.unit,
      cells: p.perCell.map((row) => ({
        ring: cellRing(String(row.cell)),
        value: ((row as unknown as Record<string, number>)[p.metric] ?? NaN) * scale,
      })),
      outline: p.region.polygons,
      points: (p.stations ?? []).map((s) => ({ lon: s.lonDeg, lat: s.latDeg, label: s.name })),
      highIsBad: p.highIsBad,
    }),
  );
  return files;
}

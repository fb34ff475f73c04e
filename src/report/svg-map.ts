import { geoArea, geoConicEqualArea, geoPath, geoBounds } from 'd3-geo';
import { interpolateViridis } from 'd3-scale-chromatic';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

export interface MapInput {
  title: string;
  subtitle: string;
  /** Per-cell polygons with the value to colour by (NaN = no data). */
  cells: ReadonlyArray<{ ring: number[][]; value: number }>;
  /** Unit shown on the legend, e.g. "min" or "%". */
  unit: string;
  /** Outline to draw over the cells (region or countries), MultiPolygon coordinates. */
  outline: ReadonlyArray<ReadonlyArray<ReadonlyArray<readonly [number, number]>>>;
  /** Points to mark (ground stations). */
  points?: ReadonlyArray<{ lon: number; lat: number; label: string }>;
  /** Colour low values bright (false, e.g. coverage) or dark (true, e.g. latency: high is bad). */
  highIsBad?: boolean;
}

const W = 960,
  H = 720,
  LEGEND_H = 70;

/**
 * A choropleth of a per-cell metric as a standalone SVG: conic equal-area projection fitted to the
 * cells, viridis colour ramp, legend with the value range, outline and ground stations on top.
 * Pure string output, no fonts or tiles fetched.
 */
export function renderMapSvg(m: MapInput): string {
  const cellFeatures: Array<Feature<Polygon, { value: number }>> = m.cells.map((c) => ({
    // d3-geo wants clockwise exterior rings; H3 (GeoJSON order) gives counter-clockwise ones.
    type: 'Feature',
    properties: { value: c.value },
    geometry: { type: 'Polygon', coordinates: [[...c.ring].reverse()] },
  }));
  const fc: FeatureCollection<Polygon, { value: number }> = { type: 'FeatureCollection', features: cellFeatures };
  const [[minLon, minLat], [maxLon, maxLat]] = geoBounds(fc);
  const projection = geoConicEqualArea()
    .parallels([minLat + (maxLat - minLat) / 6, maxLat - (maxLat - minLat) / 6])
    .rotate([-(minLon + maxLon) / 2, 0])
    .fitExtent(
      [
        [20, 70],
        [W - 20, H - LEGEND_H - 10],
      ],
      fc,
    );
  const path = geoPath(projection);
  const values = m.cells.map((c) => c.value).filter(Number.isFinite);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const color = (v: number): string => {
    if (!Number.isFinite(v)) return '#cccccc';
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return interpolateViridis(m.highIsBad ? 1 - t : t);
  };
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="sans-serif">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="20" y="32" font-size="20" font-weight="bold">${esc(m.title)}</text>`);
  parts.push(`<text x="20" y="54" font-size="13" fill="#555">${esc(m.subtitle)}</text>`);
  parts.push('<g stroke="none">');
  for (const f of cellFeatures) {
    const d = path(f);
    if (d) parts.push(`<path d="${d}" fill="${color(f.properties.value)}"/>`);
  }
  parts.push('</g>');
  const outline: Feature<MultiPolygon> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiPolygon', coordinates: rewound(m.outline) },
  };
  const od = path(outline);
  if (od) parts.push(`<path d="${od}" fill="none" stroke="#222" stroke-width="0.8"/>`);
  for (const p of m.points ?? []) {
    const xy = projection([p.lon, p.lat]);
    if (!xy) continue;
    parts.push(
      `<g transform="translate(${xy[0].toFixed(1)},${xy[1].toFixed(1)})"><path d="M0,-7 L6,5 L-6,5 Z" ` +
        `fill="#e4572e" stroke="#fff" stroke-width="1"/><text x="8" y="4" font-size="11" fill="#222" ` +
        `stroke="#fff" stroke-width="3" paint-order="stroke">${esc(p.label)}</text></g>`,
    );
  }
  // Legend: a 20-step ramp with the range's ends and middle labelled.
  const lx = 20,
    ly = H - LEGEND_H + 10,
    lw = 400,
    lh = 14;
  for (let i = 0; i < 20; i++) {
    const v = lo + ((hi - lo) * (i + 0.5)) / 20;
    parts.push(
      `<rect x="${lx + (i * lw) / 20}" y="${ly}" width="${lw / 20 + 0.5}" height="${lh}" fill="${color(v)}"/>`,
    );
  }
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  parts.push(`<text x="${lx}" y="${ly + lh + 16}" font-size="12">${fmt(lo)} ${esc(m.unit)}</text>`);
  parts.push(
    `<text x="${lx + lw / 2}" y="${ly + lh + 16}" font-size="12" text-anchor="middle">${fmt((lo + hi) / 2)}</text>`,
  );
  parts.push(
    `<text x="${lx + lw}" y="${ly + lh + 16}" font-size="12" text-anchor="end">${fmt(hi)} ${esc(m.unit)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/** Polygons in d3-geo's winding: a polygon whose spherical area exceeds a hemisphere is reversed. */
function rewound(polys: MapInput['outline']): number[][][][] {
  return polys.map((rings) => {
    const coords = rings.map((r) => r.map((p) => [p[0], p[1]]));
    const area = geoArea({ type: 'Polygon', coordinates: coords });
    return area > 2 * Math.PI ? coords.map((r) => [...r].reverse()) : coords;
  });
}

/**
 * The simulate report's charts as standalone SVG strings (no fonts or scripts fetched): a line
 * chart (latency CDF, buffer occupancy) and a bar chart (messages per hour), one or two series.
 */
export interface Series {
  readonly label: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

const W = 800,
  H = 420,
  L = 70,
  R = 20,
  T = 50,
  B = 60;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c'];

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function fmt(x: number): string {
  return Math.abs(x) >= 100
    ? x.toFixed(0)
    : Math.abs(x) >= 10
      ? x.toFixed(1).replace(/\.0$/, '')
      : x.toFixed(2).replace(/\.?0+$/, '');
}

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  xMax: number,
  yMax: number,
  body: string,
  legend: readonly string[],
): string {
  const ticks: string[] = [];
  for (let k = 0; k <= 5; k++) {
    const x = L + ((W - L - R) * k) / 5,
      y = H - B - ((H - T - B) * k) / 5;
    ticks.push(
      `<line x1="${x}" y1="${H - B}" x2="${x}" y2="${H - B + 5}" stroke="#333"/><text x="${x}" y="` +
        `${H - B + 20}" text-anchor="middle">${fmt((xMax * k) / 5)}</text>`,
    );
    ticks.push(
      `<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#eee"/><text x="${L - 8}" y="${y + 4}" ` +
        `text-anchor="end">${fmt((yMax * k) / 5)}</text>`,
    );
  }
  const leg = legend
    .map(
      (l, i) =>
        `<rect x="${W - R - 220}" y="${T + 8 + i * 18}" width="12" height="12" fill="` +
        `${COLOURS[i % COLOURS.length]}"/><text x="${W - R - 202}" y="${T + 18 + i * 18}">${esc(l)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="sans-serif" font-size="12">` +
    `<rect width="${W}" height="${H}" fill="#fff"/><text x="${W / 2}" y="28" text-anchor="middle" ` +
    `font-size="16">${esc(title)}</text>` +
    ticks.join('') +
    body +
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/><line x1="${L}" y1="${T}" x2="` +
    `${L}" y2="${H - B}" stroke="#333"/>` +
    `<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text x="18" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(T + H - B) / 2})">` +
    `${esc(yLabel)}</text>` +
    leg +
    '</svg>\n'
  );
}

export function lineChartSvg(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
  opts: { xMax?: number; yMax?: number } = {},
): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0])),
    ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = opts.xMax ?? niceMax((xs.length ? Math.max(...xs) : 1) - Math.min(0, xMin));
  const yMax = opts.yMax ?? niceMax(ys.length ? Math.max(...ys) : 1);
  const sx = (x: number) => L + ((W - L - R) * Math.min(x, xMax)) / xMax,
    sy = (y: number) => H - B - ((H - T - B) * y) / yMax;
  const body = series
    .map((s, i) =>
      s.points.length === 0
        ? ''
        : `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2" points="` +
          `${s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  return frame(
    title,
    xLabel,
    yLabel,
    xMax,
    yMax,
    body,
    series.map((s) => s.label),
  );
}

export function barChartSvg(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const n = Math.max(1, ...series.map((s) => s.points.length));
  const yMax = niceMax(Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1]))));
  const slot = (W - L - R) / n,
    bw = (slot * 0.8) / Math.max(1, series.length);
  const body = series
    .map((s, i) =>
      s.points
        .map(([, y], k) => {
          const h = ((H - T - B) * y) / yMax;
          return (
            `<rect x="${(L + k * slot + slot * 0.1 + i * bw).toFixed(1)}" y="${(H - B - h).toFixed(1)}" ` +
            `width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"/>`
          );
        })
        .join(''),
    )
    .join('');
  return frame(
    title,
    xLabel,
    yLabel,
    n,
    yMax,
    body,
    series.map((s) => s.label),
  );
}

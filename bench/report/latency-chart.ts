import { CONTENDER_LABELS, type ContenderName } from '../contenders.js';
import type { DataSize } from '../data-sets.js';
import type { ScalingSeries } from './bench-results.js';
import { compactCount } from './format.util.js';

const COLORS: Record<ContenderName, string> = { tributary: '#1b7f5b', naive: '#c0392b', directSql: '#34495e', federation: '#8e44ad', store: '#d68910', federationPg: '#2e86c1', grafbase: '#7f8c8d' };
/** Legend entries per row: four fit a chart of three panels. */
const LEGEND_COLUMNS = 4;

/** The contenders a series has figures for, in the order of the run. */
const contendersOf = (series: ScalingSeries) => Object.keys(series.p50Ms) as ContenderName[];
const PANEL = { width: 420, height: 300, left: 60, right: 16, top: 40, bottom: 50 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Powers of ten (and their halves) spanning [min, max], for log-axis ticks. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = mantissa * 10 ** exponent;
      if (tick >= min && tick <= max) ticks.push(tick);
    }
  }
  return ticks;
}

function panel(series: ScalingSeries, sizes: DataSize[], offsetX: number): string {
  const xs = sizes.map((s) => Math.max(1, s.orders));
  const ys = contendersOf(series)
    .flatMap((c) => series.p50Ms[c]!)
    .filter((v) => v > 0);
  const [xMin, xMax] = [Math.min(...xs) / 1.3, Math.max(...xs) * 1.3];
  const [yMin, yMax] = [Math.min(...ys) / 1.5, Math.max(...ys) * 1.5];
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const x = (v: number) => offsetX + PANEL.left + ((Math.log(v) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * plotW;
  const y = (v: number) => PANEL.top + plotH - ((Math.log(Math.max(v, yMin)) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin))) * plotH;
  const parts = [
    `<text x="${offsetX + PANEL.width / 2}" y="22" text-anchor="middle" font-weight="bold">${escape(series.title)}</text>`,
    `<rect x="${offsetX + PANEL.left}" y="${PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  for (const tick of logTicks(yMin, yMax)) {
    parts.push(`<line x1="${offsetX + PANEL.left}" x2="${offsetX + PANEL.left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`);
    parts.push(`<text x="${offsetX + PANEL.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="11">${tick}</text>`);
  }
  for (const value of xs) parts.push(`<text x="${x(value)}" y="${PANEL.top + plotH + 16}" text-anchor="middle" font-size="11">${compactCount(value)}</text>`);
  parts.push(`<text x="${offsetX + PANEL.left + plotW / 2}" y="${PANEL.height - 12}" text-anchor="middle" font-size="12">orders in the data set (log)</text>`);
  parts.push(`<text transform="translate(${offsetX + 16} ${PANEL.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">p50 latency, ms (log)</text>`);
  for (const contender of contendersOf(series)) {
    const points = series.p50Ms[contender]!.map((v, i) => `${x(xs[i]!).toFixed(1)},${y(v).toFixed(1)}`);
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${COLORS[contender]}" stroke-width="2"/>`);
    for (const point of points) parts.push(`<circle cx="${point.split(',')[0]}" cy="${point.split(',')[1]}" r="3" fill="${COLORS[contender]}"/>`);
  }
  return parts.join('\n');
}

/** An SVG of p50 latency against data size, one panel per scaling scenario, log-log. */
export function latencyChart(sizes: DataSize[], series: ScalingSeries[], caption: string): string {
  const width = PANEL.width * series.length;
  const legendY = PANEL.height + 10;
  const contenders = series[0] ? contendersOf(series[0]) : [];
  const legendRows = Math.max(1, Math.ceil(contenders.length / LEGEND_COLUMNS));
  const legend = contenders.map((c, i) => {
    const [left, top] = [20 + (i % LEGEND_COLUMNS) * 310, legendY + Math.floor(i / LEGEND_COLUMNS) * 20];
    return `<rect x="${left}" y="${top}" width="14" height="4" fill="${COLORS[c]}"/><text x="${left + 20}" y="${top + 6}" font-size="12">${escape(CONTENDER_LABELS[c])}</text>`;
  });
  const captionY = legendY + legendRows * 20 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${captionY + 20}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...series.map((s, i) => panel(s, sizes, i * PANEL.width)),
    ...legend,
    `<text x="20" y="${captionY}" font-size="11" fill="#555">${escape(caption)}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

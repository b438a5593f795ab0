import { maxOf, minOf } from '../extremes.js';

/**
 * Small, dependency-free SVG chart builders for the HTML report: line charts (one or more stacked panels sharing an
 * x axis) and stacked bar charts (time or categories on x). Everything is computed here, server-side; the output is
 * plain SVG markup with axes, ticks, a legend and a title, and native `<title>` hover tooltips (no script).
 *
 * Output is deterministic: coordinates use fixed decimals, colours come from the caller, and no value can turn into
 * NaN/Infinity (non-finite inputs are drawn as 0). Each series element carries `data-series`, each chart `<svg>` a
 * `data-chart` and `data-points` (the number of data values it plots), so tests can find them.
 */

export interface ChartSeries {
  /** Identifier written to data-series (escaped). */
  key: string;
  /** Legend and tooltip text. */
  label: string;
  /** One value per x position (or per category); null = no value (a gap in a line, nothing in a bar). */
  values: readonly (number | null)[];
  colour: string;
  dashed?: boolean;
}

export interface XAxis {
  /** One label per x position, used in tooltips. */
  labels: readonly string[];
  /** The positions that get a tick label under the axis. */
  ticks: readonly { index: number; label: string }[];
  /**
   * Line charts only: a number per x position, to place the points in proportion to it (a chart against a
   * parameter such as 0.5, 1, 2); without it positions are evenly spaced (time windows, categories).
   */
  values?: readonly number[];
}

export interface LinePanel {
  /** Panel heading (escaped); written to data-panel as well. */
  title: string;
  series: readonly ChartSeries[];
  /** Light fill between two series (e.g. demand above served), drawn only where upper > lower. */
  gap?: { upper: string; lower: string; colour: string; label: string };
}

export interface LineChartOptions {
  chart: string;
  title: string;
  x: XAxis;
  panels: readonly LinePanel[];
  yLabel: string;
  /** Formats values; for tick labels the tick step is passed too (see stepDecimals). */
  formatY: (value: number, step?: number) => string;
  /** The y axis reaches at least this far (e.g. 100 for percentages); otherwise a nice bound over each panel's data. */
  yAtLeast?: number;
  /** Smallest y tick step (1 for counts). */
  minStep?: number;
  width?: number;
  panelHeight?: number;
}

export interface StackedBarOptions {
  chart: string;
  title: string;
  x: XAxis;
  series: readonly ChartSeries[];
  yLabel: string;
  /** Formats values; for tick labels the tick step is passed too (see stepDecimals). */
  formatY: (value: number, step?: number) => string;
  width?: number;
  height?: number;
  /** Bar width as a fraction of the band (1 = touching, like a stepped area). */
  barFraction?: number;
  /** Print each bar's total above it (for few categories). */
  totals?: boolean;
  /** Smallest y tick step (1 for counts). */
  minStep?: number;
  /** Lines over the bars in the same unit (e.g. what is needed against what runs): a step across each bar's band. */
  lines?: readonly ChartSeries[];
}

const FONT = 12;
const MARGIN = { left: 86, right: 24 };
const TITLE_HEIGHT = 28;
const LEGEND_ROW = 20;
const AXIS_BOTTOM = 40;

/** Escape text for HTML/SVG content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Fixed-decimal coordinate; never NaN, never "-0". */
export function num(value: number, decimals = 1): string {
  const safe = Number.isFinite(value) ? value : 0;
  const text = safe.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * A "nice" upper bound at or above max and its tick step (1, 2 or 5 x 10^k, at least minStep), for about
 * targetTicks ticks; max <= 0 gives one step above zero.
 */
export function niceScale(max: number, targetTicks = 5, minStep = 0): { max: number; step: number } {
  const positive = Number.isFinite(max) && max > 1e-9 ? max : 0;
  const rough = Math.max(positive / targetTicks, minStep, 1e-9);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough * (1 - 1e-9)) ?? 10 * magnitude;
  step = Number(step.toPrecision(6));
  if (positive === 0) return minStep > 0 ? { max: step, step } : { max: 1, step: 0.2 };
  return { max: Math.max(step, Number((Math.ceil(positive / step - 1e-9) * step).toPrecision(12))), step };
}

/** Evenly spaced tick labels for n positions, at most about `maxTicks`, preferring multiples of `preferredStep`. */
export function evenTicks(
  labels: readonly string[],
  maxTicks: number,
  preferredStep = 1,
  short: (label: string, index: number) => string = (l) => l,
): XAxis['ticks'] {
  const n = labels.length;
  if (n === 0) return [];
  let step = Math.max(1, preferredStep);
  while (Math.ceil(n / step) > maxTicks) step *= 2;
  if (n <= maxTicks && preferredStep > n) step = 1;
  const ticks: { index: number; label: string }[] = [];
  for (let i = 0; i < n; i += step) ticks.push({ index: i, label: short(labels[i]!, i) });
  return ticks;
}

function clean(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Rough text width for legend layout (system sans at 12 px); deterministic, no font metrics needed. */
function textWidth(text: string): number {
  return Math.ceil(text.length * FONT * 0.6);
}

function legend(
  series: readonly { label: string; colour: string; dashed?: boolean }[],
  x0: number,
  y0: number,
  width: number,
): { svg: string; height: number } {
  if (series.length === 0) return { svg: '', height: 0 };
  const parts: string[] = [];
  let x = x0;
  let y = y0;
  for (const s of series) {
    const w = 22 + textWidth(s.label) + 16;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += LEGEND_ROW;
    }
    const swatch = s.dashed
      ? `<line x1="${num(x)}" y1="${num(y + 6)}" x2="${num(x + 16)}" y2="${num(y + 6)}" stroke="${escapeXml(s.colour)}" stroke-width="2.5" stroke-dasharray="4 3"/>`
      : `<rect x="${num(x)}" y="${num(y)}" width="16" height="12" rx="2" fill="${escapeXml(s.colour)}"/>`;
    parts.push(`${swatch}<text x="${num(x + 22)}" y="${num(y + 10)}">${escapeXml(s.label)}</text>`);
    x += w;
  }
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: y - y0 + LEGEND_ROW };
}

/** Decimals that show every multiple of a tick step exactly (0.25 -> 2, 5 -> 0). */
export function stepDecimals(step: number): number {
  for (let decimals = 0; decimals < 8; decimals++) {
    if (Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) < 1e-6) return decimals;
  }
  return 8;
}

function yAxis(
  scale: { max: number; step: number },
  left: number,
  right: number,
  top: number,
  height: number,
  formatY: (v: number, step?: number) => string,
): string {
  const parts: string[] = [];
  const count = Math.round(scale.max / scale.step);
  for (let i = 0; i <= count; i++) {
    const value = Number((i * scale.step).toPrecision(12));
    const y = top + height - (value / scale.max) * height;
    parts.push(`<line class="grid" x1="${num(left)}" y1="${num(y)}" x2="${num(right)}" y2="${num(y)}"/>`);
    parts.push(
      `<text class="tick" x="${num(left - 6)}" y="${num(y + 4)}" text-anchor="end">${escapeXml(formatY(value, scale.step))}</text>`,
    );
  }
  parts.push(`<line class="axis" x1="${num(left)}" y1="${num(top)}" x2="${num(left)}" y2="${num(top + height)}"/>`);
  return parts.join('');
}

/** Where each x position sits: its centre (points, ticks) and the column it owns (hover area). */
interface Slots {
  centre: (i: number) => number;
  from: (i: number) => number;
  width: (i: number) => number;
}

function evenSlots(left: number, band: number): Slots {
  return { centre: (i) => left + (i + 0.5) * band, from: (i) => left + i * band, width: () => band };
}

/**
 * Centres in proportion to the values, half a band in from each end; each column reaches halfway to its
 * neighbours in value order, so unsorted values work too.
 */
function proportionalSlots(values: readonly number[], left: number, right: number, band: number): Slots {
  const finite = values.map(clean);
  const min = minOf(finite);
  const span = maxOf(finite) - min;
  const centres = finite.map((v) => (span > 0 ? left + band / 2 + ((v - min) / span) * (right - left - band) : (left + right) / 2));
  const order = centres.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c || a.i - b.i);
  const edges = new Map<number, [number, number]>();
  order.forEach(({ c, i }, k) => {
    const before = k > 0 ? (order[k - 1]!.c + c) / 2 : left;
    const after = k < order.length - 1 ? (c + order[k + 1]!.c) / 2 : right;
    edges.set(i, [before, after]);
  });
  return { centre: (i) => centres[i]!, from: (i) => edges.get(i)![0], width: (i) => edges.get(i)![1] - edges.get(i)![0] };
}

function xAxis(x: XAxis, slots: Slots, left: number, bottom: number, right: number): string {
  const parts = [`<line class="axis" x1="${num(left)}" y1="${num(bottom)}" x2="${num(right)}" y2="${num(bottom)}"/>`];
  for (const tick of x.ticks) {
    const cx = slots.centre(tick.index);
    parts.push(`<line class="axis" x1="${num(cx)}" y1="${num(bottom)}" x2="${num(cx)}" y2="${num(bottom + 4)}"/>`);
    parts.push(`<text class="tick" x="${num(cx)}" y="${num(bottom + 16)}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
  }
  return parts.join('');
}

function hoverColumns(x: XAxis, slots: Slots, top: number, height: number, text: (i: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < x.labels.length; i++) {
    parts.push(
      `<rect class="hover" x="${num(slots.from(i), 2)}" y="${num(top)}" width="${num(slots.width(i), 2)}" height="${num(height)}"><title>${escapeXml(text(i))}</title></rect>`,
    );
  }
  return `<g class="hovers">${parts.join('')}</g>`;
}

function svgOpen(chart: string, title: string, width: number, height: number, points: number): string {
  return (
    `<svg class="chart" data-chart="${escapeXml(chart)}" data-points="${points}" ` +
    `width="${width}" height="${num(height, 0)}" viewBox="0 0 ${width} ${num(height, 0)}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title><text class="chart-title" x="${MARGIN.left}" y="20">${escapeXml(title)}</text>`
  );
}

/** Line chart: panels stacked vertically, each with its own y axis, sharing the x axis labels and one legend. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 1160;
  const panelHeight = options.panelHeight ?? 220;
  const n = options.x.labels.length;
  const plotLeft = MARGIN.left;
  const plotRight = width - MARGIN.right;
  const band = n > 0 ? (plotRight - plotLeft) / n : plotRight - plotLeft;
  const slots =
    options.x.values && options.x.values.length === n && n > 0
      ? proportionalSlots(options.x.values, plotLeft, plotRight, band)
      : evenSlots(plotLeft, band);
  const legendSeries = uniqueSeries(options.panels.flatMap((p) => p.series));
  const gaps = options.panels.flatMap((p) => (p.gap ? [{ label: p.gap.label, colour: p.gap.colour }] : []));
  const leg = legend([...legendSeries, ...uniqueByLabel(gaps)], plotLeft, TITLE_HEIGHT + 4, plotRight - plotLeft);
  let y = TITLE_HEIGHT + 8 + leg.height;
  const body: string[] = [leg.svg];
  let points = 0;
  for (const panel of options.panels) {
    const top = y + (options.panels.length > 1 ? 20 : 8);
    const height = panelHeight;
    const dataMax = maxOf(
      panel.series.flatMap((s) => s.values.map(clean)),
      0,
    );
    const scale = niceScale(Math.max(dataMax, options.yAtLeast ?? 0), 5, options.minStep);
    const yOf = (v: number | null | undefined): number => top + height - (Math.max(0, clean(v)) / scale.max) * height;
    const xOf = slots.centre;
    const parts: string[] = [];
    if (options.panels.length > 1)
      parts.push(`<text class="panel-title" x="${num(plotLeft)}" y="${num(top - 6)}">${escapeXml(panel.title)}</text>`);
    parts.push(yAxis(scale, plotLeft, plotRight, top, height, options.formatY));
    parts.push(xAxis(options.x, slots, plotLeft, top + height, plotRight));
    parts.push(
      `<text class="axis-label" transform="translate(${num(14)} ${num(top + height / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    );
    if (panel.gap && n > 0) {
      const upper = panel.series.find((s) => s.key === panel.gap!.upper);
      const lower = panel.series.find((s) => s.key === panel.gap!.lower);
      if (upper && lower && upper.values.some((v, i) => clean(v) > clean(lower.values[i]) + 1e-9)) {
        const forward = upper.values.map((v, i) => `${num(xOf(i))},${num(yOf(v))}`);
        const back = lower.values.map((v, i) => `${num(xOf(i))},${num(yOf(v))}`).reverse();
        const pad = n === 1 ? band * 0.25 : 0;
        const path =
          n === 1
            ? `M${num(xOf(0) - pad)},${num(yOf(upper.values[0]))}H${num(xOf(0) + pad)}V${num(yOf(lower.values[0]))}H${num(xOf(0) - pad)}Z`
            : `M${forward.join('L')}L${back.join('L')}Z`;
        parts.push(`<path class="gap" d="${path}" fill="${escapeXml(panel.gap.colour)}" fill-opacity="0.35" stroke="none"/>`);
      }
    }
    for (const series of panel.series) {
      const present = (i: number): boolean =>
        i >= 0 && i < series.values.length && series.values[i] !== null && series.values[i] !== undefined;
      let d = '';
      const isolated: number[] = [];
      for (let i = 0; i < series.values.length; i++) {
        if (!present(i)) continue;
        points++;
        d += `${present(i - 1) ? 'L' : 'M'}${num(xOf(i))},${num(yOf(series.values[i]))}`;
        if (!present(i - 1) && !present(i + 1)) isolated.push(i);
      }
      const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
      parts.push(
        `<path class="series" data-series="${escapeXml(series.key)}" data-panel="${escapeXml(panel.title)}" d="${d}" fill="none" stroke="${escapeXml(series.colour)}" stroke-width="2"${dash} stroke-linejoin="round"><title>${escapeXml(`${panel.title}: ${series.label}`)}</title></path>`,
      );
      for (const i of isolated) {
        parts.push(
          `<circle data-series="${escapeXml(series.key)}" cx="${num(xOf(i))}" cy="${num(yOf(series.values[i]))}" r="${series.dashed ? 2.5 : 4.5}" fill="${escapeXml(series.colour)}"/>`,
        );
      }
    }
    parts.push(
      hoverColumns(options.x, slots, top, height, (i) =>
        [
          `${panel.title} ${options.x.labels[i]}`,
          ...panel.series.map((s) => `${s.label}: ${s.values[i] === null ? 'n/a' : options.formatY(clean(s.values[i]))}`),
        ].join('\n'),
      ),
    );
    if (n === 0) parts.push(emptyNote(plotLeft, plotRight, top + height / 2));
    body.push(`<g class="panel" data-panel="${escapeXml(panel.title)}">${parts.join('')}</g>`);
    y = top + height + AXIS_BOTTOM - 12;
  }
  if (options.panels.length === 0) {
    body.push(emptyNote(plotLeft, plotRight, y + 24));
    y += 40;
  }
  const total = y + 16;
  return `${svgOpen(options.chart, options.title, width, total, points)}${body.join('')}</svg>`;
}

/** Stacked bars: one bar per x position, one segment per series (zero segments are not drawn but are counted). */
export function stackedBarChart(options: StackedBarOptions): string {
  const width = options.width ?? 1160;
  const height = options.height ?? 280;
  const n = options.x.labels.length;
  const plotLeft = MARGIN.left;
  const plotRight = width - MARGIN.right;
  const band = n > 0 ? (plotRight - plotLeft) / n : plotRight - plotLeft;
  const lines = options.lines ?? [];
  const leg = legend([...options.series, ...lines], plotLeft, TITLE_HEIGHT + 4, plotRight - plotLeft);
  const top = TITLE_HEIGHT + 8 + leg.height + (options.totals ? 16 : 8);
  const stackTotals = Array.from({ length: n }, (_, i) => options.series.reduce((sum, s) => sum + Math.max(0, clean(s.values[i])), 0));
  const lineMax = maxOf(
    lines.flatMap((line) => line.values.map(clean)),
    0,
  );
  const scale = niceScale(Math.max(maxOf(stackTotals, 0), lineMax), 5, options.minStep);
  const yOf = (v: number): number => top + height - (v / scale.max) * height;
  const fraction = Math.min(1, Math.max(0.05, options.barFraction ?? 0.7));
  const barWidth = Math.max(0.5, band * fraction);
  const parts: string[] = [
    leg.svg,
    yAxis(scale, plotLeft, plotRight, top, height, options.formatY),
    xAxis(options.x, evenSlots(plotLeft, band), plotLeft, top + height, plotRight),
  ];
  parts.push(
    `<text class="axis-label" transform="translate(${num(14)} ${num(top + height / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  const base = new Array<number>(n).fill(0);
  let points = 0;
  for (const series of options.series) {
    const rects: string[] = [];
    for (let i = 0; i < n; i++) {
      points++;
      const value = Math.max(0, clean(series.values[i]));
      if (value <= 0) continue;
      const y1 = yOf(base[i]! + value);
      const y0 = yOf(base[i]!);
      base[i]! += value;
      const x = plotLeft + i * band + (band - barWidth) / 2;
      rects.push(
        `<rect data-series="${escapeXml(series.key)}" x="${num(x, 2)}" y="${num(y1, 2)}" width="${num(barWidth, 2)}" height="${num(y0 - y1, 2)}"><title>${escapeXml(`${options.x.labels[i]} ${series.label}: ${options.formatY(value)}`)}</title></rect>`,
      );
    }
    parts.push(
      `<g class="series" data-series="${escapeXml(series.key)}" fill="${escapeXml(series.colour)}" shape-rendering="crispEdges">${rects.join('')}</g>`,
    );
  }
  for (const line of lines) {
    // A step per band: the value holds across its window, as the bars do.
    let d = '';
    for (let i = 0; i < n; i++) {
      if (line.values[i] === null || line.values[i] === undefined) continue;
      points++;
      const present = i > 0 && line.values[i - 1] !== null && line.values[i - 1] !== undefined;
      d += `${present ? 'V' : `M${num(plotLeft + i * band, 2)},`}${num(yOf(Math.max(0, clean(line.values[i]))), 2)}H${num(plotLeft + (i + 1) * band, 2)}`;
    }
    const dash = line.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<path class="series line" data-series="${escapeXml(line.key)}" d="${d}" fill="none" stroke="${escapeXml(line.colour)}" stroke-width="2"${dash}><title>${escapeXml(line.label)}</title></path>`,
    );
  }
  if (options.totals) {
    for (let i = 0; i < n; i++) {
      parts.push(
        `<text class="bar-total" x="${num(plotLeft + (i + 0.5) * band)}" y="${num(yOf(stackTotals[i]!) - 5)}" text-anchor="middle">${escapeXml(options.formatY(stackTotals[i]!))}</text>`,
      );
    }
  } else if (n > 0) {
    parts.push(
      hoverColumns(options.x, evenSlots(plotLeft, band), top, height, (i) =>
        [
          `${options.x.labels[i]} total ${options.formatY(stackTotals[i]!)}`,
          ...options.series.filter((s) => clean(s.values[i]) > 0).map((s) => `${s.label}: ${options.formatY(clean(s.values[i]))}`),
          ...lines
            .filter((s) => s.values[i] !== null && s.values[i] !== undefined)
            .map((s) => `${s.label}: ${options.formatY(clean(s.values[i]))}`),
        ].join('\n'),
      ),
    );
  }
  if (stackTotals.every((t) => t <= 0)) parts.push(emptyNote(plotLeft, plotRight, top + height / 2));
  const total = top + height + AXIS_BOTTOM;
  return `${svgOpen(options.chart, options.title, width, total, points)}${parts.join('')}</svg>`;
}

function emptyNote(left: number, right: number, y: number): string {
  return `<text class="empty" x="${num((left + right) / 2)}" y="${num(y)}" text-anchor="middle">no data</text>`;
}

function uniqueSeries(series: readonly ChartSeries[]): ChartSeries[] {
  return uniqueByLabel(series);
}

function uniqueByLabel<T extends { label: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.label)) return false;
    seen.add(item.label);
    return true;
  });
}

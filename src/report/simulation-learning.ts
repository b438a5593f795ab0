import type { ChalkInstance } from 'chalk';
import type { LearnedFactor } from '../calibrate/learn.js';
import type { ContenderResult, WindowOutcome } from '../simulate/types.js';
import { fixed } from './html.js';
import { escapeXml } from './svg-charts.js';
import { renderTable } from './table.js';

/** Cost and SLO of a run of windows. */
export interface WindowsFigures {
  windows: number;
  /** VM cost + start-ups. */
  costUsd: number;
  gpuHours: number;
  /** Requests neither unmet nor served late, over all requests that arrived. */
  attainment: number;
  missedRequests: number;
}

/**
 * What the planner learned about replica rates (simulation.json `learning`), and, under a throughput stress,
 * what the over-estimate cost: the stressed run against the planner's run with the true rates (same demand),
 * over the windows planned before the factors settled and over the whole run.
 */
export interface LearningSummary {
  contender: string;
  factors: LearnedFactor[];
  pooled: { factor: number; observations: number };
  /** First window planned after the last factor change above 2%. */
  settledFrom: number | null;
  overestimate: {
    /** The planners' belief: replicas serve this many times what they do. */
    optimism: number;
    beforeSettled: { stressed: WindowsFigures; trueRates: WindowsFigures };
    whole: { stressed: WindowsFigures; trueRates: WindowsFigures };
  } | null;
}

function figures(windows: readonly WindowOutcome[]): WindowsFigures {
  let cost = 0;
  let gpuHours = 0;
  let demand = 0;
  let missed = 0;
  for (const w of windows) {
    const seconds = w.hours * 3600;
    cost += w.costUsd + w.startupCostUsd;
    gpuHours += w.gpuHours;
    demand += w.demandRps * seconds;
    missed += Math.min(w.demandRps, w.unmetRps + Math.max(0, w.servedRps - w.withinSloRps)) * seconds;
  }
  return {
    windows: windows.length,
    costUsd: cost,
    gpuHours,
    attainment: demand > 0 ? 1 - missed / demand : 1,
    missedRequests: Math.round(missed),
  };
}

/** Undefined when the contender learned nothing (every factor 1) and no over-estimate was stressed. */
export function learningSummary(
  learner: ContenderResult,
  trueRates: ContenderResult | undefined,
  optimism: number | undefined,
): LearningSummary | undefined {
  const learning = learner.learning;
  if (!learning) return undefined;
  const moved = learning.factors.some((f) => f.factor !== 1) || learning.pooled.factor !== 1;
  if (!moved && !trueRates) return undefined;
  const settledFrom = learning.settledFrom ?? null;
  const before = (s: ContenderResult) => s.windows.filter((w) => settledFrom !== null && w.index < settledFrom);
  return {
    contender: learner.name,
    factors: learning.factors,
    pooled: learning.pooled,
    settledFrom,
    overestimate:
      trueRates && optimism !== undefined
        ? {
            optimism,
            beforeSettled: { stressed: figures(before(learner)), trueRates: figures(before(trueRates)) },
            whole: { stressed: figures(learner.windows), trueRates: figures(trueRates.windows) },
          }
        : null,
  };
}

const pct = (value: number) => `${fixed(value * 100, 3)}%`;
const usd = (value: number) => `$${fixed(value, 0)}`;
const moreOrLess = (value: number) => `$${fixed(Math.abs(value), 0)} ${value >= 0 ? 'more' : 'less'} VM cost`;

/** The factors that differ from 1 (all of them when none does), as table rows. */
function factorRows(summary: LearningSummary): string[][] {
  const moved = summary.factors.filter((f) => f.factor !== 1);
  return (moved.length > 0 ? moved : summary.factors).map((f) => [
    f.llm,
    f.gpu,
    String(f.tp),
    f.factor.toFixed(4),
    String(f.observations),
    f.firstChangedWindow === undefined ? '-' : String(f.firstChangedWindow),
  ]);
}

/** Sentences on what the over-estimate cost (terminal and HTML). */
function overestimateLines(summary: LearningSummary): string[] {
  const o = summary.overestimate;
  if (!o) return [];
  const lines: string[] = [];
  const b = o.beforeSettled;
  if (summary.settledFrom !== null && b.stressed.windows > 0)
    lines.push(
      `before the factors settled (${b.stressed.windows === 1 ? `window ${summary.settledFrom - 1}` : `the ${b.stressed.windows} windows up to ${summary.settledFrom - 1}`}): ${pct(b.stressed.attainment)} within SLO (${fixed(b.stressed.missedRequests, 0)} requests missed) at ${usd(b.stressed.costUsd)}, against ${pct(b.trueRates.attainment)} (${fixed(b.trueRates.missedRequests, 0)} missed) at ${usd(b.trueRates.costUsd)} with the true rates`,
    );
  const w = o.whole;
  lines.push(
    `whole run: ${pct(w.stressed.attainment)} within SLO at ${usd(w.stressed.costUsd)}, against ${pct(w.trueRates.attainment)} at ${usd(w.trueRates.costUsd)} with the true rates: the over-estimate cost ${fixed(w.stressed.missedRequests - w.trueRates.missedRequests, 0)} more requests missed and ${moreOrLess(w.stressed.costUsd - w.trueRates.costUsd)}`,
  );
  return lines;
}

const HEADER = ['llm', 'gpu', 'tp', 'factor', 'windows observed', 'first changed in window'];

export function renderLearningText(summary: LearningSummary, chalk: ChalkInstance): string {
  const o = summary.overestimate;
  let text = `\nRate factors the ${summary.contender} learned from its own windows (observed / planned rate; configs it never observed plan with the pooled ${summary.pooled.factor.toFixed(4)})${o ? `; planners believed replicas serve x${o.optimism}, so the true factor is ${(1 / o.optimism).toFixed(4)}` : ''}:\n`;
  text += renderTable(HEADER, factorRows(summary), chalk, ['left', 'left', 'right', 'right', 'right', 'right']);
  text +=
    summary.settledFrom === null
      ? 'no factor moved by more than 2% in any window\n'
      : `settled (no factor moved by more than 2%) from window ${summary.settledFrom}\n`;
  for (const line of overestimateLines(summary)) text += `${line}\n`;
  return text;
}

export function renderLearningHtml(summary: LearningSummary): string {
  const rows = factorRows(summary)
    .map((r) => `<tr>${r.map((cell, i) => `<td${i >= 2 ? ' class="num"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  const lines = [
    summary.settledFrom === null
      ? 'No factor moved by more than 2% in any window.'
      : `Settled (no factor moved by more than 2%) from window ${summary.settledFrom}.`,
    ...overestimateLines(summary).map((l) => `${l[0]!.toUpperCase()}${l.slice(1)}.`),
  ];
  return [
    `<table><thead><tr>${HEADER.map((h, i) => `<th${i >= 2 ? ' class="num"' : ''}>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>`,
    rows,
    '</tbody></table>',
    ...lines.map((l) => `<p>${escapeXml(l)}</p>`),
  ].join('\n');
}

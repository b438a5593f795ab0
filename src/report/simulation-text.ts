import type { ChalkInstance } from 'chalk';
import type { SimulationResult } from '../simulate/runner.js';
import type { Stress } from '../simulate/types.js';
import { fixed } from './html.js';
import { renderComparisonTable, renderRedirectTable, type SimulationSummary } from './simulation.js';
import { renderTable } from './table.js';
import { renderLearningText } from './simulation-learning.js';

/** The terminal view of `planner simulate`: the comparison, a line per contender, redirects and the request-level replay. */
export function renderSimulationText(
  scenarioName: string,
  summary: SimulationSummary,
  result: SimulationResult,
  chalk: ChalkInstance,
): string {
  const rows = summary.comparison;
  let text = `Simulation of ${scenarioName}: ${result.windows.length} windows from ${summary.windows.start} (${summary.windows.warmupWindows} windows of history before)${describeStress(summary.stress, result.burstWindow)}\n`;
  text += renderComparisonTable(rows, chalk);
  if (rows.some((r) => r.attainmentWithinHour)) {
    const provisioned = Object.entries(summary.provisionedFor ?? {})
      .map(([id, statistic]) => `${id} ${statistic}`)
      .join(', ');
    text += `Attainment minute by minute: the busiest minute held all window (the pessimistic bound), the least and most any minute sequence with each window's low, mean and high serves, and the within-hour shape's estimate (docs/simulate.md#within-hour-demand)${provisioned ? `; plans provision for: ${provisioned}` : ''}.\n`;
  }
  for (const row of rows) {
    const byWorkload = Object.entries(row.attainmentByWorkload)
      .map(([id, a]) => `${id} ${(a * 100).toFixed(3)}%`)
      .join(', ');
    const evicted = row.spotEvictions > 0 ? `; ${fixed(row.spotEvictions, 0)} spot VMs evicted` : '';
    const pending =
      row.pendingRequests > 0 ? `; ${fixed(row.pendingRequests, 0)} deferrable requests still waiting (not yet due) at the end` : '';
    const queueing = row.queueing
      ? `; mean prefill wait ${row.queueing.meanWaitMs.toFixed(1)} ms, worst replica group TTFT ${(row.queueing.worstTtftToSlo * 100).toFixed(0)}% and TPOT ${(row.queueing.worstTpotToSlo * 100).toFixed(0)}% of SLO`
      : '';
    const bound =
      row.costBoundUsd !== null
        ? `; no plan in the model that serves as much costs less than $${fixed(row.costBoundUsd, 2)} (gap ${(100 * row.gapToBound!).toFixed(2)}%)`
        : '';
    text += `${chalk.bold(row.strategy)}: ${row.description}; attainment ${byWorkload}${pending}${evicted}${queueing}${bound}; planned in ${row.planningSeconds.toFixed(1)} s${row.notes.length ? `; ${row.notes.join('; ')}` : ''}\n`;
    const shares = Object.entries(row.gpuSharesByWorkload);
    if (shares.some(([, byGpu]) => byGpu.length > 1) || shares.length > 1)
      text += `  served by GPU type: ${shares
        .map(([id, byGpu]) => `${id} ${byGpu.map((e) => `${e.gpu} ${(100 * e.share).toFixed(e.share < 0.1 ? 1 : 0)}%`).join(', ')}`)
        .join('; ')}\n`;
  }
  if (summary.learning) text += renderLearningText(summary.learning, chalk);
  if (summary.redirect.length > 0) {
    text += `\nWhere the planner's traffic went during the capacity events (mean req/s over the event windows):\n`;
    text += renderRedirectTable(summary.redirect, chalk);
  }
  const replay = summary.requestSim;
  if (replay) {
    text += `\nRequest-level simulation of window ${replay.window} (${replay.start}), the ${result.contenders.some((s) => s.name === 'planner') ? 'planner' : result.contenders[0]!.name}'s fleet: highest load with >= 99% of requests within TTFT\n`;
    text += renderTable(
      [
        'workload',
        'region',
        'replica groups in the plan',
        'replicas simulated',
        'SLO capacity req/s',
        'proportional req/s',
        'round-robin req/s',
        'gain',
      ],
      replay.dispatch.map((d) => [
        d.workload,
        d.region,
        d.replicaGroups.join('\n'),
        String(d.simulatedReplicas),
        d.capacityRps.toFixed(1),
        d.proportionalRps.toFixed(1),
        d.roundRobinRps.toFixed(1),
        Number.isFinite(d.gain) ? `${d.gain >= 0 ? '+' : ''}${(100 * d.gain).toFixed(1)}%` : 'n/a',
      ]),
      chalk,
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    );
  }
  return text;
}

function describeStress(stress: Stress, burstWindow?: number): string {
  const parts: string[] = [];
  if (stress.demandScale !== undefined) parts.push(`actual demand x${stress.demandScale} after planning`);
  if (stress.burst) parts.push(`x${stress.burst.factor} burst in window ${burstWindow}`);
  if (stress.throughputOptimism !== undefined) parts.push(`planners believe replicas serve x${stress.throughputOptimism}`);
  return parts.length > 0 ? `; stress: ${parts.join(', ')}` : '';
}

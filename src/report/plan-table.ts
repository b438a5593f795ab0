import { sizeClassLines } from '../capacity/size-class-summary.js';
import type { ChalkInstance } from 'chalk';
import { describeBudget } from '../capacity/budget-status.js';
import type { PlanDocument } from '../plan-document/index.js';
import { modelChoiceLine } from './model-choice-text.js';
import { renderCommitments } from './commitments-text.js';
import { formatFixed, renderTable } from './table.js';

/** Human summary of a plan: headline numbers, one row per day (window group), the busiest fleets, unmet demand. */
export function renderPlanTable(doc: PlanDocument, chalk: ChalkInstance, windowsPerGroup = 24): string {
  const out: string[] = [];
  const { solver, totals } = doc;
  const statusColour = doc.status === 'optimal' ? chalk.green : doc.status === 'feasible' ? chalk.yellow : chalk.red;
  out.push(
    `${chalk.bold(`Plan for ${doc.scenario.name}`)}: ${statusColour(doc.status)} (${solver.name}, ${solver.strategy}: ${solver.reason})\n`,
  );
  out.push(
    `objective ${money(solver.objective)}  bound ${money(solver.bound)}  gap ${solver.gap === null ? 'n/a' : `${(solver.gap * 100).toFixed(2)}%`}  solved in ${solver.seconds.toFixed(1)} s (${Object.entries(
      solver.statuses,
    )
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')})\n`,
  );
  if (doc.budget) {
    const line = describeBudget(doc.budget);
    out.push(`${doc.budget.state === 'within' ? line : chalk.yellow(line)}\n`);
  }
  out.push(
    `total cost ${chalk.bold(`$${formatFixed(totals.costUsd)}`)} (+ $${formatFixed(totals.startupCostUsd)} ${startups(totals)})  GPU-hours ${formatFixed(totals.gpuHours, 1)}  served ${formatFixed(totals.servedRequests, 0)} requests  unmet ${totals.unmetRequests > 0 ? chalk.red(formatFixed(totals.unmetRequests, 0)) : '0'}\n\n`,
  );

  const rows: (string | number)[][] = [];
  const busiest: PlanDocument['windows'] = [];
  for (let from = 0; from < doc.windows.length; from += windowsPerGroup) {
    const group = doc.windows.slice(from, from + windowsPerGroup);
    const cost = group.reduce((sum, w) => sum + w.costUsd, 0);
    const gpuHours = group.reduce((sum, w) => sum + w.gpuHours, 0);
    const peak = group.reduce((best, w) => (w.gpuHours > best.gpuHours ? w : best), group[0]!);
    const unmet = group.reduce((sum, w) => sum + w.unmet.reduce((s, u) => s + u.requestsPerSec * 3600 * w.hours, 0), 0);
    const started = group.reduce((sum, w) => sum + w.vms.reduce((s, vm) => s + vm.started, 0), 0);
    busiest.push(peak);
    rows.push([
      `${group[0]!.start} .. ${group.at(-1)!.start}`,
      `$${formatFixed(cost)}`,
      formatFixed(gpuHours, 0),
      `${formatFixed(peak.gpuHours / peak.hours, 0)} @ ${peak.start.slice(11, 16)}`,
      started,
      unmet > 0 ? chalk.red(formatFixed(unmet, 0)) : '0',
    ]);
  }
  out.push(
    renderTable(['windows', 'cost', 'GPU-hours', 'peak GPUs', 'VMs started', 'unmet requests'], rows, chalk, [
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
    ]),
  );

  for (const window of busiest) {
    out.push(`\n${chalk.bold(`Fleet at ${window.start}`)} ($${formatFixed(window.costUsd)} for ${window.hours} h):\n`);
    for (const replica of window.replicas) {
      out.push(
        `  ${replica.count} replica${replica.count === 1 ? '' : 's'} x ${replica.tp} GPU${replica.tp === 1 ? '' : 's'} (TP ${replica.tp}) of ${replica.llm} on ${replica.sku} in ${replica.region}${replica.workloads ? ` for ${replica.workloads.join(', ')} only` : ''}\n`,
      );
    }
    for (const vm of window.vms)
      out.push(chalk.dim(`  ${vm.count} x ${vm.sku} ${vm.purchase} in ${vm.region} at $${formatFixed(vm.usdPerHour, 3)}/h\n`));
  }

  if (doc.modelChoice?.length) {
    out.push(`\n${chalk.bold('Model choice')} (llmChoice per workload; share of served requests per llm):\n`);
    for (const choice of doc.modelChoice) out.push(`  ${modelChoiceLine(choice)}\n`);
  }
  if (doc.policies) out.push(renderPolicies(doc.policies, chalk));
  if (doc.commitments) out.push(renderCommitments(doc.commitments, chalk));
  if (doc.sizeClasses?.length) {
    out.push(`\n${chalk.bold('Size classes')} (share of each class's served requests per GPU type):\n`);
    for (const line of sizeClassLines(doc.sizeClasses)) out.push(`  ${line}\n`);
  }

  const unmetRows = doc.windows.flatMap((w) =>
    w.unmet.map((u) => [w.start, u.workload, u.origin, formatFixed(u.requestsPerSec, 3), u.why ?? '']),
  );
  if (unmetRows.length) {
    out.push(
      `\n${chalk.red.bold('Unmet demand')} (requests/s no plan within the quotas, SLOs, latency bounds and budget could serve, and why):\n`,
    );
    out.push(
      renderTable(['window', 'workload', 'origin', 'requests/s', 'why'], unmetRows.slice(0, 50), chalk, [
        'left',
        'left',
        'left',
        'right',
        'left',
      ]),
    );
    if (unmetRows.length > 50) out.push(`  ... and ${unmetRows.length - 50} more (see --format json)\n`);
  }
  return out.join('');
}

function money(value: number | null): string {
  return value === null ? 'n/a' : `$${formatFixed(value)}`;
}

/** One line per policy that is on, with what it did in this plan; batch gets its service by hour of day. */
function renderPolicies(policies: NonNullable<PlanDocument['policies']>, chalk: ChalkInstance): string {
  const out: string[] = [`\n${chalk.bold('Policies')}:\n`];
  const pct = (value: number | null) => (value === null ? 'n/a' : `${(100 * value).toFixed(1)}%`);
  const { spot, locality, reserved } = policies;
  if (spot) {
    const parts = [`spot ${formatFixed(spot.spotGpuHours, 0)} GPU-hours, largest regional spot share ${pct(spot.largestSpotShare)}`];
    if (spot.maxShare !== null) parts.push(`max share ${pct(spot.maxShare)}`);
    if (spot.evictionProbability > 0) parts.push(`spot replicas derated by eviction p = ${spot.evictionProbability}`);
    if (spot.onDemandCoversInteractive !== null) parts.push(`on-demand alone covers ${spot.onDemandCoversInteractive}x interactive demand`);
    out.push(`  group 5 spot: ${parts.join('; ')}\n`);
  }
  if (locality) {
    const parts: string[] = [];
    if (locality.minInRegionShare !== null)
      parts.push(`in-region share >= ${pct(locality.minInRegionShare)} (lowest ${pct(locality.lowestInRegionShare)})`);
    if (locality.minReplicasPerLlm !== null) parts.push(`>= ${locality.minReplicasPerLlm} replicas per llm where it runs`);
    if (locality.nPlusOne) {
      parts.push(
        locality.resilienceCostUsd === undefined
          ? 'N+1: survives the loss of any one region (cost of resilience: solve --resilience-cost)'
          : `N+1: survives the loss of any one region; cost of resilience $${formatFixed(locality.resilienceCostUsd)} over $${formatFixed(locality.costWithoutNPlusOneUsd!)} without`,
      );
    }
    out.push(`  group 6 locality: ${parts.join('; ')}\n`);
  }
  for (const mix of policies.llmMix) {
    const total = Object.values(mix.requestsByLlm).reduce((a, b) => a + b, 0);
    const shares = Object.entries(mix.requestsByLlm)
      .map(([llm, n]) => `${llm} ${pct(total ? n / total : 0)}`)
      .join(', ');
    const floor =
      mix.minQuality === null
        ? ''
        : `, quality >= ${mix.minQuality} (lowest window ${mix.lowestQuality === null ? 'n/a' : mix.lowestQuality.toFixed(2)})`;
    out.push(`  ${mix.minQuality === null ? 'llm mix' : 'group 7 quality'} ${mix.workload}: ${shares || 'nothing served'}${floor}\n`);
  }
  for (const batch of policies.deferrable) {
    out.push(`  group 1 deferrable ${batch.workload} (deadline ${batch.deadlineHours} h), requests by hour of day (UTC):\n`);
    const rows = batch.servedByHourUtc.map((served, hour) => [
      String(hour).padStart(2, '0'),
      formatFixed(batch.arrivedByHourUtc[hour]!, 0),
      formatFixed(served, 0),
    ]);
    out.push(renderTable(['hour', 'arrived', 'served'], rows, chalk, ['left', 'right', 'right']));
  }
  if (reserved)
    out.push(`  reserved: ${reserved.vms} VMs in every window, sunk cost $${formatFixed(reserved.sunkCostUsd)} (not in the total)\n`);
  if (policies.maxScaleInPerWindow !== undefined)
    out.push(`  scale-in: at most ${policies.maxScaleInPerWindow} VMs removed per window per sku, region and purchase\n`);
  if (policies.kvMemory)
    out.push(
      `  group 2 kv-memory (load): KV cache grows with routed load; the fullest config holds ${pct(policies.kvMemory.highestShareOfFree)} of its free memory\n`,
    );
  if (policies.routing)
    out.push(
      `  group 1 single-path: each workload goes whole to one config per region and window (most configs used: ${policies.routing.mostConfigsPerWorkloadRegion})\n`,
    );
  if (policies.interference)
    out.push(
      `  group 10 interference (separate): workloads that would break each other's SLO get replicas of their own (${policies.interference.splitConfigWindows} config-windows split, at most ${policies.interference.mostGroupsPerConfig} groups)\n`,
    );
  return out.join('');
}

/** What the start-up cost is made of: VM boots, and llm loads when the scenario charges them. */
function startups(totals: PlanDocument['totals']): string {
  if (totals.modelLoadCostUsd === undefined) return 'VM start-ups';
  const boots = totals.startupCostUsd - totals.modelLoadCostUsd;
  return `start-ups: $${formatFixed(boots)} VM boots, $${formatFixed(totals.modelLoadCostUsd)} llm loads`;
}

import type { PlanningInput } from '../capacity/types.js';
import { mulberry32 } from '../random.js';
import type { FleetWindow } from './types.js';

/**
 * Spot evictions in the evaluation. Each spot VM is evicted within a window with the scenario's eviction
 * probability p (policies.spot.evictionProbability, what the planner derates spot capacity by), at a uniform
 * time in the window: it serves and bills only until then. The draws are common random numbers: VM i of
 * (sku, region) in window t gets the same two uniforms in every contender, so two contenders that run the same
 * spot VMs lose the same ones. A replica cannot be pinned to a VM in the fluid model, so the GPU-time lost
 * is taken from the replicas on that sku and region (the spot pool when pools are apart) in proportion to
 * their GPUs.
 */
export interface EvictionOutcome {
  /** The fleet that serves: evicted VMs gone, replicas' effective counts reduced by the GPU-time lost. */
  fleet: FleetWindow;
  /** Per spot (sku, region): VMs evicted and the VM-windows not billed (each one's part of the window after it). */
  evictions: Eviction[];
}

export interface Eviction {
  sku: string;
  region: string;
  count: number;
  unbilledVmWindows: number;
}

export function evictSpot(input: PlanningInput, fleet: FleetWindow, t: number, probability: number): EvictionOutcome {
  if (!(probability > 0) || !fleet.vms.some((vm) => vm.purchase === 'spot' && vm.count > 0)) return { fleet, evictions: [] };
  const gpusPerVm = new Map(input.skus.map((s) => [s.sku, s.gpusPerVm]));
  const vms = fleet.vms.map((vm) => ({ ...vm }));
  const evictions: Eviction[] = [];
  for (const vm of vms) {
    if (vm.purchase !== 'spot') continue;
    const eviction: Eviction = { sku: vm.sku, region: vm.region, count: 0, unbilledVmWindows: 0 };
    for (let i = 0; i < vm.count; i++) {
      const draw = mulberry32(hashKey(`${t}|${vm.sku}|${vm.region}|${i}`));
      if (draw() >= probability) continue;
      eviction.count++;
      eviction.unbilledVmWindows += 1 - draw();
    }
    if (eviction.count === 0) continue;
    vm.count -= eviction.count;
    evictions.push(eviction);
  }
  if (evictions.length === 0) return { fleet, evictions };
  const replicas = fleet.replicas.map((r) => ({ ...r }));
  for (const eviction of evictions) {
    // Replicas that can sit on spot VMs of this sku and region: the spot pool when pools are apart.
    const onSku = replicas.filter((r) => r.sku === eviction.sku && r.region === eviction.region && r.pool !== 'firm');
    const gpus = onSku.reduce((sum, r) => sum + (r.effectiveCount ?? r.count) * r.tp, 0);
    if (gpus <= 0) continue;
    const share = Math.min(1, (eviction.unbilledVmWindows * gpusPerVm.get(eviction.sku)!) / gpus);
    for (const replica of onSku) replica.effectiveCount = (replica.effectiveCount ?? replica.count) * (1 - share);
  }
  return { fleet: { ...fleet, vms: vms.filter((vm) => vm.count > 0), replicas }, evictions };
}

/** FNV-1a, 32 bits: a stable seed from a string. */
function hashKey(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

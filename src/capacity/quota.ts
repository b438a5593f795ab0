import type { QuotaRule } from './types.js';

/** What a VM needs for quota accounting: its gpu, GPU count, and (for family quotas) its family and vCPUs. */
export interface QuotaSku {
  gpu: string;
  gpusPerVm: number;
  family?: string;
  vcpus?: number;
}

/**
 * How much of `quota` one VM of `sku` uses (0 when the quota does not count that sku): a gpu quota counts
 * its GPUs; a family quota counts the GPUs or the vCPUs of the family's skus, as the cloud sets the quota
 * (AWS and Azure: vCPUs per family; GCP: GPUs per GPU type).
 */
export function quotaUnitsPerVm(quota: QuotaRule, sku: QuotaSku): number {
  if (quota.family !== undefined) {
    if (sku.family !== quota.family) return 0;
    return quota.vcpus !== undefined ? (sku.vcpus ?? 0) : sku.gpusPerVm;
  }
  return sku.gpu === quota.gpu ? sku.gpusPerVm : 0;
}

/** The quota's limit, in its unit (GPUs or vCPUs). */
export function quotaLimit(quota: QuotaRule): number {
  return quota.vcpus ?? quota.gpus ?? 0;
}

/** "64 H100-80GB GPUs", "192 vCPUs of family P": the quota as a report line says it. */
export function describeQuota(quota: QuotaRule, used?: number): string {
  const amount = used ?? quotaLimit(quota);
  if (quota.family !== undefined) return `${amount} ${quota.vcpus !== undefined ? 'vCPUs' : 'GPUs'} of family ${quota.family}`;
  return `${amount} ${quota.gpu} GPUs`;
}

/** The quota's name in row labels and messages: its gpu, or family:<name>. */
export function quotaSubject(quota: QuotaRule): string {
  return quota.family !== undefined ? `family:${quota.family}` : (quota.gpu ?? '');
}

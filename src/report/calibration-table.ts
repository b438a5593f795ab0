import type { ChalkInstance } from 'chalk';
import { roundFactor } from '../calibrate/calibration-file.js';
import type { CalibrationResult } from '../calibrate/factors.js';
import { renderTable } from './table.js';

const SKIPPED_SHOWN = 10;

/** The terminal view of `planner calibrate`: factors with their spread, configs short of evidence, rows skipped. */
export function renderCalibrationTable(result: CalibrationResult, file: string, chalk: ChalkInstance): string {
  let text = `Calibration from ${file}: factor = observed / predicted sustainable rate per config (weighted median over its windows)\n`;
  text +=
    result.factors.length === 0
      ? `no config has ${result.minObservations} usable windows\n`
      : renderTable(
          ['llm', 'gpu', 'tp', 'factor', 'middle half', 'windows', 'busy-share rows', 'latency rows'],
          result.factors.map((f) => [
            f.llm,
            f.gpu,
            String(f.tp),
            roundFactor(f.factor).toFixed(4),
            `${roundFactor(f.lowerQuartile).toFixed(4)}-${roundFactor(f.upperQuartile).toFixed(4)}`,
            String(f.observations),
            String(f.byForm.utilisation),
            String(f.byForm.latency),
          ]),
          chalk,
          ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
        );
  if (result.insufficient.length > 0)
    text += `fewer than ${result.minObservations} usable windows, left at the model's rate: ${result.insufficient.map((c) => `${c.llm} on ${c.gpu} TP ${c.tp} (${c.observations})`).join(', ')}\n`;
  if (result.skipped.length > 0) {
    text += `${result.skipped.length} ${result.skipped.length === 1 ? 'row says' : 'rows say'} nothing about capacity:\n`;
    for (const s of result.skipped.slice(0, SKIPPED_SHOWN)) text += `  ${file}:${s.line}: ${s.reason}\n`;
    if (result.skipped.length > SKIPPED_SHOWN)
      text += `  ... and ${result.skipped.length - SKIPPED_SHOWN} more (--format json lists them all)\n`;
  }
  return text;
}

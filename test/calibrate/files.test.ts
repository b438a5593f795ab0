import { describe, expect, it } from 'vitest';
import { calibrationCsv, parseCalibrationCsv } from '../../src/calibrate/calibration-file.js';
import type { CalibrationFactor } from '../../src/calibrate/factors.js';
import { parseObservedCsv } from '../../src/calibrate/observed.js';
import { join } from 'node:path';
import { readCatalog } from '../../src/index.js';
import { packageRoot } from '../../src/paths.js';
import { inputError } from '../support/errors.js';

const builtin = await readCatalog(join(packageRoot(), 'models'));
/** Two llms and two gpus of the built-in catalog. */
const pick = <T>(map: ReadonlyMap<string, T>, ids: string[]) => new Map(ids.map((id) => [id, map.get(id)!]));
const CATALOG = {
  llms: pick(builtin.llms, ['llama-3.2-3b', 'mixtral-8x7b']),
  gpus: pick(builtin.gpus, ['H100-NVL-94GB', 'A100-80GB']),
};

describe('the observed CSV', () => {
  const header = 'window_start,llm,gpu,tp,replicas,served_rps,utilisation,ttft_mean_ms,tpot_mean_ms';

  it('reads both forms, empty cells as absent', () => {
    const rows = parseObservedCsv(
      `${header}\n2024-05-13T08:00:00Z,llama-3.2-3b,H100-NVL-94GB,1,40,700,0.8,,\n2024-05-13T08:00:00Z,mixtral-8x7b,A100-80GB,2,10,50,,90,40\n`,
      'obs.csv',
    );
    expect(rows).toEqual([
      {
        file: 'obs.csv',
        line: 2,
        windowStart: '2024-05-13T08:00:00Z',
        llm: 'llama-3.2-3b',
        gpu: 'H100-NVL-94GB',
        tp: 1,
        replicas: 40,
        servedRps: 700,
        utilisation: 0.8,
      },
      {
        file: 'obs.csv',
        line: 3,
        windowStart: '2024-05-13T08:00:00Z',
        llm: 'mixtral-8x7b',
        gpu: 'A100-80GB',
        tp: 2,
        replicas: 10,
        servedRps: 50,
        ttftMeanMs: 90,
        tpotMeanMs: 40,
      },
    ]);
  });

  it('names a misspelt column with did-you-mean, and every bad row by file:line', () => {
    expect(inputError(() => parseObservedCsv('window_start,llm,gpu,tp,replicas,served_rps,utilization\n', 'obs.csv')).message).toMatch(
      /obs\.csv:1 header: unknown column 'utilization' \(fix: did you mean 'utilisation'\?\)/,
    );
    const error = inputError(() =>
      parseObservedCsv(
        `${header}\n2024-05-13T08:00:00Z,a,g,1,4,10,1.5,,\n2024-05-13T08:00:00Z,a,g,1,4,10,,,\n2024-05-13T09:00:00Z,a,g,1,4,10,0.5,,\n2024-05-13T09:00:00Z,a,g,1,4,12,0.6,,\n`,
        'obs.csv',
      ),
    );
    expect(error.issues.map((i) => `${i.line} ${i.field}`)).toEqual(['2 utilisation', '3 utilisation', '5 window_start']);
    expect(error.message).toMatch(/first on line 4/);
  });
});

describe('the calibration CSV', () => {
  const factor = (llm: string, gpu: string, tp: number, value: number): CalibrationFactor => ({
    llm,
    gpu,
    tp,
    factor: value,
    observations: 5,
    byForm: { utilisation: 3, latency: 2 },
    lowerQuartile: value - 0.01,
    upperQuartile: value + 0.02,
    file: 'obs.csv',
    firstLine: 2,
    lastLine: 9,
  });

  it('round-trips through planner calibrate output and a scenario read, factors to 4 decimals', () => {
    const csv = calibrationCsv([factor('llama-3.2-3b', 'H100-NVL-94GB', 1, 0.80544), factor('mixtral-8x7b', 'A100-80GB', 2, 2 / 3)]);
    expect(csv.split('\n')[0]).toBe('llm,gpu,tp,factor,observations,source');
    expect(csv.split('\n')[1]).toMatch(/^llama-3\.2-3b,H100-NVL-94GB,1,0\.8054,5,/);
    expect(csv.endsWith('\n')).toBe(true);
    const read = parseCalibrationCsv(csv, 'cal.csv', CATALOG);
    expect([...read]).toEqual([
      ['llama-3.2-3b|H100-NVL-94GB|1', 0.8054],
      ['mixtral-8x7b|A100-80GB|2', 0.6667],
    ]);
  });

  it('checks rows against the catalog: file:line and did-you-mean', () => {
    const error = inputError(() =>
      parseCalibrationCsv(
        'llm,gpu,tp,factor\nllama-3.2-3bb,H100-NVL-94GB,1,0.8\nmixtral-8x7b,H100-NVL,3,0.7\nmixtral-8x7b,A100-80GB,2,0\n',
        'cal.csv',
        CATALOG,
      ),
    );
    expect(error.issues.map((i) => `${i.file}:${i.line} ${i.field}`)).toEqual([
      'cal.csv:2 llm',
      'cal.csv:3 gpu',
      'cal.csv:3 tp',
      'cal.csv:4 factor',
    ]);
    expect(error.message).toMatch(/unknown llm 'llama-3\.2-3bb' \(fix: did you mean 'llama-3\.2-3b'\?\)/);
    expect(error.message).toMatch(/unknown gpu 'H100-NVL' \(fix: did you mean 'H100-NVL-94GB'\?\)/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/commands/inputs.js';
import { packageRoot } from '../../src/paths.js';
import { memoryFit, tpSplitProblem } from '../../src/perf/memory.js';

/** bench/data/argonne-vllm-batch-latency.csv (scripts/derive-argonne.ts): repository files only. */
const FILE = join(packageRoot(), 'bench', 'data', 'argonne-vllm-batch-latency.csv');
const COLUMNS = ['llm', 'gpu', 'tp', 'input_tokens', 'output_tokens', 'batch_size', 'batch_latency_ms'];

describe('bench/data/argonne-vllm-batch-latency.csv', () => {
  const text = readFileSync(FILE, 'utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

  it('has the documented header and positive whole-number sizes and latencies', () => {
    expect(text.split('\n')[0]).toBe(COLUMNS.join(','));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const column of ['tp', 'input_tokens', 'output_tokens', 'batch_size']) {
        expect(Number.isInteger(Number(row[column])) && Number(row[column]) > 0, `${column} ${row[column]}`).toBe(true);
      }
      expect(Number(row.batch_latency_ms)).toBeGreaterThan(0);
    }
  });

  it('names catalog llms and GPUs at a TP that splits the llm, and no point twice', async () => {
    const catalog = await readCatalog(join(packageRoot(), 'models'));
    const keys = new Set<string>();
    for (const row of rows) {
      const llm = catalog.llms.get(row.llm!);
      const gpu = catalog.gpus.get(row.gpu!);
      expect(llm, `llm ${row.llm}`).toBeDefined();
      expect(gpu, `gpu ${row.gpu}`).toBeDefined();
      expect(tpSplitProblem(llm!, Number(row.tp))).toBeUndefined();
      keys.add(
        COLUMNS.slice(0, 6)
          .map((c) => row[c])
          .join('|'),
      );
    }
    expect(keys.size).toBe(rows.length);
  });

  it('keeps only points whose batch KV cache fits in the memory the planner models', async () => {
    const catalog = await readCatalog(join(packageRoot(), 'models'));
    for (const row of rows) {
      const fit = memoryFit(catalog.llms.get(row.llm!)!, catalog.gpus.get(row.gpu!)!, Number(row.tp), 2 * Number(row.input_tokens));
      const tokens = Number(row.batch_size) * (Number(row.input_tokens) + Number(row.output_tokens));
      expect(tokens, `${row.llm} ${row.gpu} TP ${row.tp} L ${row.input_tokens} batch ${row.batch_size}`).toBeLessThanOrEqual(
        fit.kvCapacityTokens,
      );
    }
  });
});

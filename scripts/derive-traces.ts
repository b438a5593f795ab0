/**
 * Regenerates traces/ from the public data in ../shared/data/azure-llm-traces (see traces/README.md):
 *   npx tsx scripts/derive-traces.ts
 * Uses the library's own readers, so the committed files are what `planner demand` computes.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/commands/io.js';
import { hourlyProfileToCsv, parseHourlyProfileCsv } from '../src/demand/profile.js';
import { requestMixToCsv } from '../src/demand/request-mix.js';
import { analyzeTrace } from '../src/demand/summary.js';
import { packageRoot, sharedDataDir } from '../src/paths.js';

const source = join(sharedDataDir(), 'azure-llm-traces');
const target = join(packageRoot(), 'traces');
if (!existsSync(source)) {
  process.stderr.write(`derive-traces: ${source} not found; it holds the Azure LLM inference traces (see traces/README.md)\n`);
  process.exit(2);
}

for (const name of ['code', 'conv'] as const) {
  const file = join(source, `AzureLLMInferenceTrace_${name}.csv`);
  const analysis = await analyzeTrace(createReadStream(file), { file });
  const out = join(target, `${name}-2023-request-mix.csv`);
  await writeFileAtomic(out, requestMixToCsv(analysis.requestMix));
  process.stdout.write(
    `${out}: ${analysis.requestMix.buckets.length} buckets over ${analysis.requests} requests ` +
      `(mean ${analysis.meanContextTokens.toFixed(1)} in / ${analysis.meanGeneratedTokens.toFixed(1)} out tokens)\n`,
  );
}

const profileFile = join(source, 'azure2024_code_week_hourly.csv');
const profile = parseHourlyProfileCsv(await readFile(profileFile, 'utf8'), profileFile);
const profileOut = join(target, 'code-week-2024-hourly.csv');
await writeFileAtomic(profileOut, hourlyProfileToCsv(profile));
process.stdout.write(`${profileOut}: ${profile.meanRequestsPerSec.length} hours from ${profile.startUtc}\n`);

import type { Llm } from '../../catalog/types.js';

/**
 * The catalog llm a benchmark's model name means. Benchmarks record what the server was asked for, usually
 * a Hugging Face id (`meta-llama/Llama-3.1-8B-Instruct`); the catalog's ids are short (`llama-3.1-8b`), and
 * its `source` column names the Hugging Face repository its shape was read from. Tried in order:
 * 1. the catalog id itself;
 * 2. a catalog llm whose source names this repository (the part before " config.json");
 * 3. the repository name, lower-cased, without the organisation, a `meta-` prefix and the usual fine-tune and
 *    version suffixes (-instruct, -chat, -hf, -it, -v0.1): instruct and base weights share a shape, so they
 *    share a throughput.
 * Undefined when none matches (the caller says so and asks for the catalog id).
 */
export function catalogLlmFor(model: string, llms: ReadonlyMap<string, Llm>): string | undefined {
  if (llms.has(model)) return model;
  const repo = model.trim();
  for (const [id, llm] of [...llms].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const sources = llm.source.split(/[;,]/).map((s) => s.trim().split(/\s+/)[0]);
    if (sources.some((s) => s !== undefined && s.toLowerCase() === repo.toLowerCase())) return id;
  }
  let name = (repo.split('/').at(-1) ?? repo).toLowerCase();
  name = name.replace(/^meta-/, '');
  for (let changed = true; changed; ) {
    const before = name;
    name = name.replace(/-(instruct|chat|hf|it|base)$/, '').replace(/-v\d+(\.\d+)*$/, '');
    changed = name !== before;
  }
  return llms.has(name) ? name : undefined;
}

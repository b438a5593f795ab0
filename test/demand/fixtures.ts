import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot, sharedDataDir } from '../../src/paths.js';

export const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'demand');
export const fixture = (name: string) => join(FIXTURES, name);
export const readFixture = (name: string) => readFile(fixture(name));

/** The 2023 traces and the 2024 hourly week, beside the checkout (absent on a user's machine). */
export const AZURE_TRACES = join(sharedDataDir(), 'azure-llm-traces');
export const HAS_AZURE_TRACES = existsSync(join(AZURE_TRACES, 'AzureLLMInferenceTrace_code.csv'));

/** The same bytes cut into pieces of `size`: exercises lines, CRLF pairs and UTF-8 split across chunks. */
export function* inPieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

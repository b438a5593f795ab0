import { describe } from 'vitest';
import { fuzzShard } from '../support/fuzz-shard.js';

// One of FUZZ_SHARDS files, so that vitest runs the solve fuzz in parallel (test/support/fuzz-shard.ts).
describe('solve fuzz, shard 0', () => fuzzShard(0));

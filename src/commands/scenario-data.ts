/**
 * The data a scenario refers to, parsed by the modules that own each format: hourly demand profiles and
 * request-size mixes (src/demand) and the replica throughput model (src/perf, measured profiles first).
 */
export { parseHourlyProfileCsv as demandProfileFromText } from '../demand/profile.js';
export { parseRequestMixCsv as requestMixFromText } from '../demand/request-mix.js';
export { replicaRate } from '../perf/index.js';

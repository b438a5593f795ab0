/** `planner` from the TypeScript sources (node --import tsx test/support/planner-bin.ts ARGS): what bin/planner.js runs from dist/. */
import { main } from '../../src/cli.js';

process.exitCode = await main(process.argv.slice(2));

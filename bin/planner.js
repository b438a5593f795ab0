#!/usr/bin/env node
import { handleInterrupts, main } from '../dist/src/cli.js';

handleInterrupts();
process.exitCode = await main(process.argv.slice(2));

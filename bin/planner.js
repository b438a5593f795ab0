#!/usr/bin/env node
// SIGINT and SIGTERM exit 130 and 143 (128 + the signal, as shells report it), installed before anything
// loads. Output writes are synchronous (src/commands/io.ts) and a handler runs only between them, so an
// interrupted run leaves no temp file and no half-written folder.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    process.stderr.write(`planner: interrupted (${signal}); nothing half-written is left\n`);
    process.exit(code);
  });
}
const { runCli } = await import('../dist/bundle/boot.js');
process.exitCode = await runCli(process.argv.slice(2));

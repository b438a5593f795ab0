#!/usr/bin/env bash
# What a user outside the clone gets: pack the package, install the tarball into an empty folder, and run
# the bin, the schema command, a scenario whose $schema points into the installed package, and the library.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
name="$(node -p "require('$root/package.json').name")"
tarball="$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"
if tar -tzf "$work/$tarball" | grep -E '\.map$|^package/dist/bench/|^package/(src|test)/'; then
  echo "pack-smoke: the tarball ships files it should not (listed above)" >&2
  exit 1
fi
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "./$tarball"
npx planner solve --windows 0..1 --format json > plan.json
node -e "const p = JSON.parse(require('fs').readFileSync('plan.json', 'utf8')); if (p.windows.length !== 2) throw new Error('expected 2 windows, got ' + p.windows.length)"
npx planner schema scenario > scenario.schema.json
cat > mine.yaml <<YAML
\$schema: ./node_modules/$name/schemas/scenario.schema.json
name: smoke
catalog: builtin:models
horizon: { start: 2024-05-10T00:00:00Z, windows: 2 }
regions: [eastus]
skus: [NC24ads_A100_v4]
tp: [1]
workloads:
  - id: chat
    llms: [llama-3.1-8b]
    slo: { ttftMs: 2000, tpotMs: 100 }
    requestMix: { meanInputTokens: 1000, meanOutputTokens: 200 }
    demand: { constantRequestsPerSec: 5, origins: { eastus: 1 } }
YAML
test -f "node_modules/$name/schemas/scenario.schema.json"
npx planner solve mine.yaml > /dev/null
node --input-type=module -e "
import { loadScenarioFile, planScenario } from '$name';
const loaded = await loadScenarioFile('mine.yaml');
const { document } = await planScenario(loaded, { solver: 'highs' });
if (document.windows.length !== 2) throw new Error('library plan has ' + document.windows.length + ' windows');
"
echo "pack-smoke: $tarball installs and runs (solve, schema, a scenario with \$schema into the package, the library)"

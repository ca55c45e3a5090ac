#!/usr/bin/env bash
# The one command to run on a GPU machine (no arguments): prints the WebGPU adapter aelab sees, runs the
# WebGPU correctness suite (every shipped config on webgpu against cpu, determinism, resume, checkpoints
# across backends), then times training on webgpu and on the best CPU backend here, and writes it all to
# gpu-check-<host>-<time>.md in the current folder. Exit status 0 only if the adapter was found and every
# check passed.
#
# Without a GPU it checks the same path on whatever Vulkan driver is set up, e.g. Mesa's software one:
#   eval "$(scripts/lavapipe.sh)" && scripts/gpu-check.sh
#
# scripts/gpu-check.sh --quick <folder>: the five-minute version (scripts/gpu-check-quick.sh), which also
# runs from the offline bundle on a machine with no npm.
set -uo pipefail
[ "${1:-}" = "--quick" ] && exec "$(dirname "$0")/gpu-check-quick.sh" "$@"
[ $# -eq 0 ] || { echo "usage: scripts/gpu-check.sh [--quick <folder>]" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$PWD/gpu-check-$(hostname -s 2>/dev/null || hostname)-$(date +%Y%m%d-%H%M%S).md"
cd "$repo"
[ -d node_modules/webgpu ] && [ -d node_modules/@tensorflow/tfjs-backend-webgpu ] \
  || { echo "gpu-check: webgpu and @tensorflow/tfjs-backend-webgpu are not installed; run npm ci (or npm install) first" >&2; exit 1; }
export CI="${CI:-true}"   # no progress bars in the captured output
tmp=$(mktemp -d -t aelab-gpu-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
status=0
step() { echo "gpu-check: $*" >&2; }

step "1/4 the adapter (aelab info --backend webgpu)"
if node bin/aelab.js info --backend webgpu >"$tmp/info.txt" 2>"$tmp/info.err"; then
  adapter_ok=1
else
  adapter_ok=0; status=1
  grep -v '^Warning' "$tmp/info.err" | tail -1 >>"$tmp/info.txt"
fi
node bin/aelab.js info >"$tmp/auto.txt" 2>/dev/null || true
cat "$tmp/info.txt" >&2

if [ "$adapter_ok" -eq 1 ]; then
  step "2/4 the WebGPU correctness suite (npm run test:webgpu; about 10 minutes on a 2-core CPU driver)"
  npm run test:webgpu -- --reporter=default --reporter=json --outputFile.json="$tmp/tests.json" >"$tmp/tests.log" 2>&1 || status=1
  tail -5 "$tmp/tests.log" >&2
  step "3/4 training throughput on webgpu"
  npm run bench -- --backend webgpu --models ae,vae,conv-vae,vae+gan --no-torch --openblas-env as-is --soak-steps 0 --out "$tmp/bench-webgpu.md" >/dev/null 2>"$tmp/bench-webgpu.log" || status=1
else
  step "no WebGPU adapter: the correctness suite and the webgpu bench are skipped (the line above says why)"
fi
step "4/4 training throughput on the best CPU backend (native kernels where built, else wasm)"
cpu_kernels=native; node --import tsx -e 'import("./src/backend/blas/addon.js").then(m => process.exit(m.loadAddon().ok ? 0 : 1))' 2>/dev/null || cpu_kernels=wasm
npm run bench -- --kernels "$cpu_kernels" --models ae,vae,conv-vae,vae+gan --no-torch --no-profile --openblas-env as-is --soak-steps 0 --out "$tmp/bench-cpu.md" >/dev/null 2>"$tmp/bench-cpu.log" || status=1

# The bench's throughput table (and its notes, which say why a cell failed).
table() {
  [ -f "$1" ] || { echo "(not measured)"; return; }
  awk '/^### aelab loop against a minimal tfjs loop/ { on = 1; next } on && /^#/ { exit } on' "$1"
}
{
  echo "# aelab gpu-check, $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), node $(node --version)."
  echo
  echo "## Adapter (aelab info --backend webgpu)"; echo; echo '```'; cat "$tmp/info.txt"; echo '```'
  echo; echo "## What auto picks (aelab info)"; echo; echo '```'; cat "$tmp/auto.txt"; echo '```'
  echo; echo "## Correctness (npm run test:webgpu)"; echo
  if [ -f "$tmp/tests.json" ]; then
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed (${r.numTotalTests} tests)`); for (const f of r.testResults) for (const t of f.assertionResults) if (t.status !== "passed") console.log(`- FAILED: ${t.fullName}`);' "$tmp/tests.json"
  else
    echo "not run"
  fi
  echo; echo "## Training throughput on webgpu (images/s, batch 128)"; echo; table "$tmp/bench-webgpu.md"; grep -A20 '^## Notes' "$tmp/bench-webgpu.md" 2>/dev/null
  echo; echo "## Training throughput on the CPU, $cpu_kernels kernels (images/s, batch 128)"; echo; table "$tmp/bench-cpu.md"; grep -A20 '^## Notes' "$tmp/bench-cpu.md" 2>/dev/null
} >"$out"
step "written: $out"
[ "$status" -eq 0 ] && step "every check passed" || step "some checks failed: see $out"
exit $status

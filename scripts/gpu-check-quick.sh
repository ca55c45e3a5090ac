#!/usr/bin/env bash
# The five-minute GPU check (scripts/gpu-check.sh --quick <folder>, or gpu-check.sh --quick <folder> in the
# offline bundle, where no npm is needed): the WebGPU adapter and what `auto` picks; one MLP and one conv
# config trained a few steps on cpu (the reference) and on webgpu, every logged scalar compared; training
# throughput of MLP VAE, conv VAE and conv VAE-GAN on webgpu, on the CPU kernels and, where PyTorch sees a
# CUDA device, in PyTorch on it (the bench's twin, scripts/bench_torch.py --device cuda). Writes
# gpu-check-<host>-<time>.md into <folder>. Exit status 0 only if the adapter was found and the runs agree.
#
# GPU_CHECK_IMAGES (default 4096) sets the training images per epoch of the throughput runs (two epochs, the
# second one timed); a software Vulkan driver needs far fewer: GPU_CHECK_IMAGES=256 on lavapipe.
set -uo pipefail
[ "${1:-}" = "--quick" ] && shift
[ $# -eq 1 ] || { echo "usage: $(basename "$0") --quick <folder for the report>" >&2; exit 2; }
mkdir -p "$1" || { echo "gpu-check: cannot create $1" >&2; exit 1; }
folder="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
if [ -f "$here/aelab.tar.br" ]; then
  aelab=("$here/aelab"); configs="$here/configs"; where="offline bundle $here"
  bench_torch="$here/bench_torch.py"; torch_jobs="$here/torch-jobs"
else
  repo="$(cd "$here/.." && pwd)"
  aelab=(node "$repo/bin/aelab.js"); configs="$repo/configs"; where="checkout $repo ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  bench_torch="$repo/scripts/bench_torch.py"; torch_jobs=""
fi
images="${GPU_CHECK_IMAGES:-4096}"
[[ "$images" =~ ^[1-9][0-9]*$ ]] || { echo "gpu-check: GPU_CHECK_IMAGES must be a positive integer (got $images)" >&2; exit 2; }
out="$folder/gpu-check-$(hostname -s 2>/dev/null || hostname)-$(date +%Y%m%d-%H%M%S).md"
export CI="${CI:-true}" # no progress bars in the captured output
tmp=$(mktemp -d -t aelab-gpu-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
status=0
started=$(date +%s)
step() { echo "gpu-check: $*" >&2; }

step "1/5 the adapter (aelab info --backend webgpu) and what auto picks (aelab info)"
if "${aelab[@]}" info --backend webgpu >"$tmp/info.txt" 2>"$tmp/info.err"; then adapter_ok=1; else
  adapter_ok=0; status=1; grep -v '^Warning' "$tmp/info.err" | tail -n 1 >>"$tmp/info.txt"
fi
"${aelab[@]}" info >"$tmp/auto.txt" 2>&1 || true
cat "$tmp/info.txt" >&2

# The WebGPU suite's budget and tolerance (tests/webgpu/configs.test.ts): 4 steps, every scalar within 1e-4
# relative plus 1e-6 absolute of the cpu backend's.
agreement_budget=(--set train.epochs=1 --set train.batchSize=32 --set data.trainLimit=128 --set data.testLimit=32 --set log.every=1 --set log.images=8 --set log.nllSamples=0)
agree() {
  local config=$1
  for backend in cpu webgpu; do
    "${aelab[@]}" train "$configs/$config" --backend "$backend" --logdir "$tmp/agree" --name "$config-$backend" "${agreement_budget[@]}" >"$tmp/agree-$config-$backend.log" 2>&1 \
      || { echo "training on $backend failed: $(tail -n 1 "$tmp/agree-$config-$backend.log")"; return 1; }
  done
  "${aelab[@]}" compare-runs "$tmp/agree/$config-cpu" "$tmp/agree/$config-webgpu" --tolerance 1e-4 --floor 1e-6
}
# Training images/s of one config on one backend: the median of the second epoch's logged rates.
throughput() {
  local config=$1 backend=$2 name="$1-$2"
  if ! "${aelab[@]}" train "$configs/$config" --backend "$backend" --logdir "$tmp/speed" --name "$name" \
    --set train.epochs=2 --set data.trainLimit="$images" --set data.testLimit=256 --set log.every=2 --set log.images=8 --set log.nllSamples=0 \
    >"$tmp/speed-$name.log" 2>&1; then
    echo "failed: $(tail -n 1 "$tmp/speed-$name.log")"; return 1
  fi
  "${aelab[@]}" export "$tmp/speed/$name" --format csv |
    awk -F, -v half=$(((images + 127) / 128)) '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $col["tag"] == "perf/train_images_per_second" && $col["step"] > half { print $col["value"] }' | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else printf "%.0f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

declare -A agreement
if [ "$adapter_ok" -eq 1 ]; then
  step "2/5 the same scalars on webgpu as on cpu: configs/vae-bce.yaml (MLP), configs/conv-vae-bce.yaml (conv)"
  for config in vae-bce.yaml conv-vae-bce.yaml; do
    agreement[$config]=$(agree "$config") || status=1
    echo "  $config: $(tail -n 1 <<<"${agreement[$config]}")" >&2
  done
else
  step "no WebGPU adapter: the agreement check and the webgpu timings are skipped (the line above says why)"
fi

cpu_kernels=$(awk '/^kernels/ { print ($2 == "native" ? "native" : "wasm"); exit }' "$tmp/auto.txt")
# The same three as GPU_CHECK_CONFIGS in scripts/bench/torch-job.ts, whose PyTorch jobs the bundle carries.
models=("MLP VAE:vae-bce.yaml" "conv VAE:conv-vae-bce.yaml" "conv VAE-GAN:vaegan-conv.yaml")
declare -A speed
step "3/5 training throughput on webgpu ($images images an epoch, the second epoch timed)"
for entry in "${models[@]}"; do
  config=${entry#*:}
  if [ "$adapter_ok" -eq 1 ]; then speed[$config-webgpu]=$(throughput "$config" webgpu) || status=1; else speed[$config-webgpu]="not run"; fi
  echo "  ${entry%%:*}: ${speed[$config-webgpu]}" >&2
done
step "4/5 training throughput on the CPU (wasm backend, ${cpu_kernels:-wasm} kernels)"
for entry in "${models[@]}"; do
  config=${entry#*:}
  speed[$config-cpu]=$(throughput "$config" wasm) || status=1
  echo "  ${entry%%:*}: ${speed[$config-cpu]}" >&2
done

# PyTorch on the GPU: the first Python that imports torch and sees a CUDA device.
torch_python="" torch_reason="no python3 here"
for candidate in python3 /usr/bin/python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  probe=$("$candidate" -c 'import torch; print(torch.__version__, torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' 2>&1 | tail -n 1)
  case "$probe" in
    *" True "*) torch_python=$candidate; torch_device=${probe#* True }; torch_version=${probe%% *}; break ;;
    *" False"*) torch_reason="PyTorch ${probe%% *} ($candidate) sees no CUDA device" ;;
    *) [ "$torch_reason" = "no python3 here" ] && torch_reason="$candidate cannot import torch" ;;
  esac
done
declare -A torch_speed
if [ -n "$torch_python" ]; then
  step "5/5 training throughput in PyTorch $torch_version on $torch_device (bench_torch.py --device cuda)"
  if [ -z "$torch_jobs" ]; then
    torch_jobs="$tmp/torch-jobs"
    node --import tsx "$repo/scripts/bench/torch-job.ts" --out "$torch_jobs" "${models[@]/#*:/$configs/}" >/dev/null 2>&1 || echo "gpu-check: could not write the PyTorch jobs" >&2
  fi
  for entry in "${models[@]}"; do
    config=${entry#*:}
    torch_speed[$config]=$("$torch_python" "$bench_torch" --bench --device cuda <"$torch_jobs/${config%.yaml}.json" 2>"$tmp/torch-$config.err" |
      "$torch_python" -c 'import json, sys
lines = [l for l in sys.stdin if l.startswith("@@aelab-bench-result ")]
print("%.0f" % json.loads(lines[-1][len("@@aelab-bench-result "):])["results"][0]["imagesPerSecond"] if lines else "failed")') || status=1
    [ "${torch_speed[$config]}" = failed ] && { status=1; torch_speed[$config]="failed: $(tail -n 1 "$tmp/torch-$config.err")"; }
    echo "  ${entry%%:*}: ${torch_speed[$config]}" >&2
  done
else
  step "5/5 PyTorch on the GPU: not run ($torch_reason)"
fi

{
  echo "# aelab gpu-check --quick, $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "From the $where; took $(($(date +%s) - started)) s."
  echo
  echo "## Adapter (aelab info --backend webgpu)"; echo; echo '```'; cat "$tmp/info.txt"; echo '```'
  echo; echo "## What auto picks (aelab info)"; echo; echo '```'; cat "$tmp/auto.txt"; echo '```'
  echo; echo "## The same scalars on webgpu as on cpu (aelab compare-runs, 1e-4 relative + 1e-6 absolute)"; echo
  if [ "$adapter_ok" -eq 1 ]; then
    for config in vae-bce.yaml conv-vae-bce.yaml; do echo "- configs/$config: $(tr '\n' ' ' <<<"${agreement[$config]}")"; done
  else echo "not run: no adapter"; fi
  echo; echo "## Training throughput (images/s, batch 128; median of the second epoch's logged rates, $images images an epoch)"; echo
  echo "| model | config | webgpu | CPU (${cpu_kernels:-wasm} kernels) | webgpu / CPU | PyTorch CUDA | webgpu / PyTorch CUDA |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for entry in "${models[@]}"; do
    config=${entry#*:} gpu=${speed[$config-webgpu]} cpu=${speed[$config-cpu]} cuda=${torch_speed[$config]:-not run}
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }
    echo "| ${entry%%:*} | configs/$config | $gpu | $cpu | $(ratio "$gpu" "$cpu") | $cuda | $(ratio "$gpu" "$cuda") |"
  done
  echo
  if [ -n "$torch_python" ]; then
    echo "PyTorch $torch_version on $torch_device: scripts/bench_torch.py --device cuda, the same networks, losses and Adam per network, batch 128 of random images of each config's shape; median of 5 windows of at least 2 s after a 3 s warm-up."
  else
    echo "PyTorch on a GPU: not run ($torch_reason)."
  fi
} >"$out"
step "written: $out ($(($(date +%s) - started)) s)"
[ "$status" -eq 0 ] && step "every check passed" || step "some checks failed: see $out"
exit $status

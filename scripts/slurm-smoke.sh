#!/usr/bin/env bash
# A real Slurm cluster on this machine, for CI: installs Debian's slurm-wlm and munge when missing, starts a
# single-node cluster (slurmctld + slurmd, this machine's cores and memory, loopback only, no systemd, no
# cgroups, accounting off), runs a 4-cell experiment as an array job with `aelab slurm --submit`, kills one
# array task mid-run, checks the report job ran on what had finished and named what had not, submits again
# and checks that only the missing cell ran and every cell is done; then, from a logdir whose name holds
# spaces, quotes, $(x), backquotes, &, # and %a, pastes the printed "submit with:" hint and checks that the
# array ran and wrote its outputs there and that nothing in the name was run. Stops everything it started
# (also on failure or Ctrl-C). Bounded in time: SLURM_SMOKE_SECONDS (default 240) for the whole run.
# Needs root (or passwordless sudo) for the daemons. Ends with one line: "slurm smoke: passed in N s" or
# "slurm smoke: FAILED: <why>" (exit 1).
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
STARTED=$(date +%s)
BUDGET=${SLURM_SMOKE_SECONDS:-240}
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"

say() { echo "slurm smoke: $*"; }
S=""
fail() {
  say "FAILED: $*"
  if [ -n "$S" ]; then
    for f in "$S"/log/*.log "$S"/runs/smoke/slurm/*.out "$S"/*/runs/quoting/slurm/*.out; do [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done
  fi
  exit 1
}
left() { echo $((BUDGET - ($(date +%s) - STARTED))); }

# --- packages -------------------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; } \
    || fail "could not install slurm-wlm and munge (apt-get install slurm-wlm munge)"
fi
$SUDO true 2>/dev/null || fail "needs root or passwordless sudo to start the Slurm daemons"
[ -f node_modules/.package-lock.json ] || fail "run npm ci first"

S=$(mktemp -d /tmp/aelab-slurm-smoke-XXXXXX)
chmod 755 "$S"
mkdir -p "$S/state" "$S/spool" "$S/log"
export SLURM_CONF="$S/slurm.conf"
STARTED_MUNGED=""
PASSED=""

stop_all() {
  # Jobs first (their processes belong to slurmd's steps), then the daemons this script started.
  if [ -f "$S/slurmctld.pid" ] && command -v squeue >/dev/null; then
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
    [ -n "$jobs" ] && scancel $jobs 2>/dev/null
    for _ in $(seq 1 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  for pidfile in "$S/slurmd.pid" "$S/slurmctld.pid"; do
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      $SUDO kill "$pid" 2>/dev/null
      for _ in $(seq 1 20); do $SUDO kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      $SUDO kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ -n "$STARTED_MUNGED" ]; then
    $SUDO kill "$STARTED_MUNGED" 2>/dev/null
  fi
  # Only now: the pid files above live in $S. Kept after a failure, for its logs.
  if [ -n "$PASSED" ] && [ -z "${SLURM_SMOKE_KEEP:-}" ]; then rm -rf "$S"; else echo "slurm smoke: logs and runs kept in $S"; fi
}
trap 'stop_all' EXIT
trap 'say "interrupted"; exit 130' INT TERM

# --- munge ----------------------------------------------------------------------------------------------
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    $SUDO mkdir -p /etc/munge
    $SUDO sh -c 'dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null' || fail "cannot create /etc/munge/munge.key"
  fi
  $SUDO chown munge:munge /etc/munge/munge.key && $SUDO chmod 400 /etc/munge/munge.key
  $SUDO mkdir -p /run/munge /var/lib/munge /var/log/munge
  $SUDO chown munge:munge /run/munge /var/lib/munge /var/log/munge
  $SUDO su -s /bin/sh munge -c munged || fail "munged did not start"
  for _ in $(seq 1 20); do [ -s /run/munge/munged.pid ] && break; sleep 0.25; done
  STARTED_MUNGED=$(cat /run/munge/munged.pid 2>/dev/null)
  munge -n | unmunge >/dev/null 2>&1 || fail "munge does not work (munge -n | unmunge)"
fi

# --- a single-node cluster ------------------------------------------------------------------------------
# Ports of its own; taken means a cluster (perhaps this script's, killed before it could clean up) is running.
for port in 16817 16818; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is in use (a Slurm daemon left running? see: ss -ltnp | grep $port)"; fi
done
NODE=$(hostname -s)
CPUS=$(nproc)
MEMORY=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
cat >"$SLURM_CONF" <<EOF
ClusterName=aelab-smoke
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=10
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=smoke Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
$SUDO env SLURM_CONF="$SLURM_CONF" slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
$SUDO env SLURM_CONF="$SLURM_CONF" slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo -h -o %t 2>/dev/null | head -n 1)
  [ "$state" = "idle" ] && break
  sleep 0.5
done
[ "$state" = "idle" ] || fail "the node did not come up idle (sinfo says '${state:-nothing}')"
say "cluster up: node $NODE, $CPUS cpus, ${MEMORY} MB, slurm $(sinfo -V | awk '{print $2}')"

# --- a tiny experiment ----------------------------------------------------------------------------------
cat >"$S/base.yaml" <<'EOF'
seed: 1
data: { trainLimit: 512, testLimit: 128 }
model: { variant: ae, recon: mse, encoder: { hidden: [32] }, decoder: { hidden: [32] }, latent: { size: 4 } }
train: { epochs: 1 }
log: { images: 8 }
EOF
cat >"$S/smoke.yaml" <<'EOF'
name: smoke
description: The Slurm smoke test's grid (scripts/slurm-smoke.sh)
base: base.yaml
axes:
  loss:
    ae-mse: { model.variant: ae, model.recon: mse }
    ae-bce: { model.variant: ae, model.recon: bce }
  seed: [1, 2]
EOF
EXPERIMENT="$S/smoke.yaml"
LOGDIR="$S/runs"
DIR="$LOGDIR/smoke"
aelab() { node "$REPO/bin/aelab.js" "$@"; }

# Waits for the jobs to leave the queue; fails once the budget is spent.
wait_jobs() {
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ "$(left)" -gt 0 ] || fail "jobs $1 still queued or running after ${BUDGET} s: $(squeue -h -j "$1" -o '%i %T %R' | tr '\n' ';')"
    sleep 1
  done
}
state_of() { aelab experiment "$EXPERIMENT" --logdir "$LOGDIR" --list | awk -v i="$1" '$1 == i { print $3 }'; }

# --- 1: submit, kill one task mid-run ------------------------------------------------------------------
out=$(aelab slurm "$EXPERIMENT" --logdir "$LOGDIR" --max-parallel 2 --cpus-per-task 1 --submit) || fail "aelab slurm --submit: $out"
echo "$out"
first=$(echo "$out" | sed -n 's/^submitted array job \([0-9]*\) and report job \([0-9]*\).*/\1 \2/p')
read -r ARRAY REPORT <<<"$first"
[ -n "$ARRAY" ] && [ -n "$REPORT" ] || fail "no job ids in: $out"
grep -q '^#SBATCH --array=0-3%2$' "$DIR/slurm/array.sbatch" || fail "array.sbatch lacks '#SBATCH --array=0-3%2'"

# The victim: array task 3 runs shard 4/4, which holds cell 3 alone (k mod 4 = 3). With at most 2 tasks at
# once it starts after another has finished; its cell's run.json appears once its run has started.
VICTIM_TASK=3
VICTIM=$(aelab experiment "$EXPERIMENT" --logdir "$LOGDIR" --list | awk '$1 == 3 { print $4 }')
while [ ! -f "$DIR/$VICTIM/run.json" ]; do
  [ "$(left)" -gt 0 ] || fail "array task $VICTIM_TASK never started cell $VICTIM"
  [ -n "$(squeue -h -j "$ARRAY" 2>/dev/null)" ] || fail "the array job ended before task $VICTIM_TASK started its cell"
  sleep 0.2
done
scancel "${ARRAY}_${VICTIM_TASK}" || fail "scancel ${ARRAY}_${VICTIM_TASK}"
say "killed array task ${ARRAY}_${VICTIM_TASK} while it ran cell $VICTIM"
wait_jobs "$ARRAY,$REPORT"

for i in 0 1 2; do [ "$(state_of $i)" = "done" ] || fail "after the first submission cell $i is $(state_of $i), not done"; done
victim_state=$(state_of 3)
[ "$victim_state" != "done" ] || fail "cell 3 finished although its task was killed (killed too late?)"
[ -f "$DIR/report.md" ] || fail "the report job wrote no report.md (see $DIR/slurm/report-$REPORT.out)"
grep -q "left out (not completed): $VICTIM" "$DIR/slurm/report-$REPORT.out" || fail "the report did not name the missing cell $VICTIM"
say "first submission: cells 0-2 done, cell 3 $victim_state, report written and names $VICTIM as missing"

# --- 2: submit again: only what is missing runs --------------------------------------------------------
out=$(aelab slurm "$EXPERIMENT" --logdir "$LOGDIR" --max-parallel 2 --cpus-per-task 1 --submit) || fail "aelab slurm --submit (again): $out"
second=$(echo "$out" | sed -n 's/^submitted array job \([0-9]*\) and report job \([0-9]*\).*/\1 \2/p')
read -r ARRAY2 REPORT2 <<<"$second"
[ -n "$ARRAY2" ] && [ -n "$REPORT2" ] || fail "no job ids in: $out"
wait_jobs "$ARRAY2,$REPORT2"

for i in 0 1 2 3; do [ "$(state_of $i)" = "done" ] || fail "after re-submitting cell $i is $(state_of $i), not done"; done
started=$(cat "$DIR/slurm/${ARRAY2}"_*.out | grep -c '^start ')
skipped=$(cat "$DIR/slurm/${ARRAY2}"_*.out | grep -c '^skip ')
[ "$started" = 1 ] && [ "$skipped" = 3 ] || fail "re-submitting started $started cells and skipped $skipped (expected 1 and 3)"
grep -q "^start   $VICTIM:" "$DIR/slurm/${ARRAY2}_${VICTIM_TASK}.out" || fail "re-submitting did not run $VICTIM"
grep -q "left out" "$DIR/slurm/report-$REPORT2.out" && fail "the second report still leaves cells out"
[ -f "$DIR/report.md" ] || fail "no report.md after re-submitting"
say "re-submitted: 1 cell ran ($VICTIM), 3 skipped; all 4 cells done; report: $DIR/report.md"
aelab experiment "$EXPERIMENT" --logdir "$LOGDIR" --list

# --- 3: a logdir that neither a shell nor an #SBATCH line may take as it is ----------------------------
# An unquoted space splits a word, # starts an #SBATCH comment, %a is the array index in --output unless
# written %%a. `x` here leaves a mark when run, so a $(x) or `x` that some shell expanded shows.
mkdir -p "$S/bin"
printf '#!/bin/sh\ntouch "%s/x-was-run"\n' "$S" >"$S/bin/x" && chmod +x "$S/bin/x"
export PATH="$S/bin:$PATH"
AWKWARD="$S/a dir with 'quotes' \"dq\" \$(x) \`x\` & #1 50%a"
mkdir -p "$AWKWARD"
# Two cells of the same grid are enough to see two array tasks write there.
cat >"$S/quoting.yaml" <<'EOF'
name: quoting
base: base.yaml
axes:
  seed: [1, 2]
EOF
out=$(cd "$AWKWARD" && aelab slurm "$S/quoting.yaml" --logdir runs --cpus-per-task 1) || fail "aelab slurm --logdir runs (in $AWKWARD): $out"
hint=$(echo "$out" | sed -n 's/^submit with: \(.*\) (or aelab slurm \.\.\. --submit)$/\1/p')
[ -n "$hint" ] || fail "no 'submit with:' hint in: $out"
# Pasted as printed, in the folder it was printed in.
submitted=$(cd "$AWKWARD" && eval "$hint" 2>&1) || fail "the printed hint did not submit: $hint: $submitted"
third=$(echo "$submitted" | sed -n 's/^array job \([0-9]*\), report job \([0-9]*\)$/\1 \2/p')
read -r ARRAY3 REPORT3 <<<"$third"
[ -n "$ARRAY3" ] && [ -n "$REPORT3" ] || fail "no job ids from the pasted hint ($hint): $submitted"
wait_jobs "$ARRAY3,$REPORT3"
AWKWARD_DIR="$AWKWARD/runs/quoting"
for i in 0 1; do
  [ -s "$AWKWARD_DIR/slurm/${ARRAY3}_$i.out" ] || fail "array task ${ARRAY3}_$i wrote no output into $AWKWARD_DIR/slurm ($(ls "$AWKWARD_DIR/slurm" | tr '\n' ' '))"
done
done_cells=$(aelab experiment "$S/quoting.yaml" --logdir "$AWKWARD/runs" --list | awk '$3 == "done"' | wc -l)
[ "$done_cells" = 2 ] || fail "in $AWKWARD_DIR $done_cells cells are done, not 2"
[ -f "$AWKWARD_DIR/report.md" ] || fail "the report job wrote no report.md into $AWKWARD_DIR"
[ ! -e "$S/x-was-run" ] || fail "the \$(x) or \`x\` in the logdir's name was run"
say "logdir $(basename "$AWKWARD"): pasted the printed hint, both cells done, task outputs and report in it, nothing in its name run"
PASSED=1
say "passed in $(($(date +%s) - STARTED)) s"

#!/bin/bash
# Submit a trustlab sweep as a Slurm job array and its merge as a job that
# starts only when every array task has succeeded.
#
#   deploy/slurm/submit.sh SWEEP.yaml OUT_DIR [SHARDS]
#
# SHARDS (default 8) is the number of array tasks.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 SWEEP.yaml OUT_DIR [SHARDS]" >&2
  exit 2
fi
sweep=$1
out=$2
shards=${3:-8}
if ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: SHARDS must be a whole number >= 1, got $shards" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$out"
array=$(sbatch --parsable --array="0-$((shards - 1))" \
  --export="ALL,SWEEP=$sweep,OUT=$out" "$here/sweep.sbatch")
array=${array%%;*} # strip a cluster name
merge=$(sbatch --parsable --dependency="afterok:$array" \
  --export="ALL,OUT=$out" "$here/merge.sbatch")
echo "sweep: job array $array ($shards shards); merge: job ${merge%%;*} (after all succeed)"
echo "watch: squeue -j $array,${merge%%;*}"

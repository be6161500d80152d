#!/bin/bash
# Submit a trustlab sweep as a Slurm job array and its merge as a job that
# starts only when every array task has succeeded.
#
#   deploy/slurm/submit.sh [--cpus N] [--mem M] [--time T] [--partition P] SWEEP.yaml OUT_DIR [SHARDS]
#
# SHARDS (default 8) is the number of array tasks. Each task gets --cpus
# CPUs (default 1; trustlab uses them as --workers), --mem memory (default
# 2G) and --time (default 02:00:00); --partition (default: the cluster's
# default partition) applies to the tasks and the merge. Ask for no more
# CPUs or memory than one node has: Slurm would leave the array pending
# for ever (reason PartitionConfig).
set -euo pipefail

usage() {
  echo "usage: $0 [--cpus N] [--mem M] [--time T] [--partition P] SWEEP.yaml OUT_DIR [SHARDS]" >&2
  exit 2
}
cpus=1
mem=2G
time=02:00:00
partition=
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --cpus|--mem|--time|--partition)
      [[ $# -ge 2 ]] || { echo "$0: $1 needs a value" >&2; usage; }
      opt=${1#--}
      printf -v "$opt" '%s' "$2"
      shift 2 ;;
    --cpus=*|--mem=*|--time=*|--partition=*)
      opt=${1%%=*}; opt=${opt#--}
      printf -v "$opt" '%s' "${1#*=}"
      shift ;;
    -h|--help) usage ;;
    --) shift; args+=("$@"); break ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ ${#args[@]} -lt 2 || ${#args[@]} -gt 3 ]]; then
  usage
fi
sweep=${args[0]}
out=${args[1]}
shards=${args[2]:-8}
if ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: SHARDS must be a whole number >= 1, got $shards" >&2
  exit 2
fi
if ! [[ "$cpus" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: --cpus must be a whole number >= 1, got $cpus" >&2
  exit 2
fi
if ! [[ "$mem" =~ ^[1-9][0-9]*[KMGT]?$ ]]; then
  echo "$0: --mem must be a size such as 2G or 500M, got $mem" >&2
  exit 2
fi
if ! [[ "$time" =~ ^[0-9][0-9:-]*$ ]]; then
  echo "$0: --time must be a Slurm time such as 02:00:00, 90 or 1-00:00:00, got $time" >&2
  exit 2
fi
if ! [[ "$partition" =~ ^[A-Za-z0-9_.,-]*$ ]]; then
  echo "$0: --partition must be a partition name, got $partition" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
part=()
if [[ -n $partition ]]; then
  part=(--partition="$partition")
fi

mkdir -p "$out"
array=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task="$cpus" --mem="$mem" --time="$time" \
  ${part[@]+"${part[@]}"} --export="ALL,SWEEP=$sweep,OUT=$out" "$here/sweep.sbatch")
array=${array%%;*} # strip a cluster name
merge=$(sbatch --parsable --dependency="afterok:$array" ${part[@]+"${part[@]}"} \
  --export="ALL,OUT=$out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "sweep: job array $array ($shards shards, $cpus CPUs and $mem each); merge: job $merge (after all succeed)"
echo "watch: squeue -j $array,$merge"

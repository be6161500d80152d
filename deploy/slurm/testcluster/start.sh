#!/bin/bash
# Start a real single-node Slurm cluster on this machine, for CI and for
# trying deploy/slurm/ by hand: munged, slurmctld and slurmd on localhost,
# with the node's real CPUs and memory (from slurmd -C). Needs root and
# Debian's slurm-wlm and munge packages (apt-get install slurm-wlm munge).
#
#   deploy/slurm/testcluster/start.sh          # start (or check) the cluster
#   deploy/slurm/testcluster/start.sh --stop   # stop the daemons it started
#
# It writes /etc/slurm/slurm.conf unless one exists that it did not write
# (then it refuses: this is a test cluster, not for a machine with Slurm).
# Slurm runs as root with proctrack/linuxproc and task/none (no cgroups,
# so it also works in a container). Exits 0 when sinfo shows the node idle.
set -euo pipefail

conf=/etc/slurm/slurm.conf
mark="# written by trustlab deploy/slurm/testcluster/start.sh"
state=/var/spool/slurm-trustlab
logs=/var/log/slurm-trustlab

if [[ $(id -u) -ne 0 ]]; then
  echo "$0: must run as root (it starts munged, slurmctld and slurmd)" >&2
  exit 2
fi
for b in munged slurmctld slurmd sinfo; do
  if ! command -v "$b" >/dev/null; then
    echo "$0: $b not found: apt-get install slurm-wlm munge" >&2
    exit 2
  fi
done

stop() {
  for p in slurmd slurmctld; do
    [[ -f $state/$p.pid ]] && kill "$(cat "$state/$p.pid")" 2>/dev/null || true
  done
  [[ -f $state/munged.pid ]] && kill "$(cat "$state/munged.pid")" 2>/dev/null || true
  rm -f "$state"/*.pid
}
if [[ ${1:-} == --stop ]]; then
  stop
  exit 0
fi

if [[ -f $conf ]] && ! grep -qF "$mark" "$conf"; then
  echo "$0: $conf exists and was not written by this script: refusing to replace a real Slurm configuration" >&2
  exit 2
fi

mkdir -p "$state/ctld" "$state/d" "$logs" /run/munge /var/lib/munge /var/log/munge
# munge: a key, then the daemon (as root, so --force on its permission checks).
if [[ ! -s /etc/munge/munge.key ]]; then
  mungekey --create --keyfile=/etc/munge/munge.key
fi
chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null >/dev/null 2>&1; then
  munged --force --pid-file="$state/munged.pid"
fi

# The node as slurmd sees it: NodeName=host CPUs=... RealMemory=...
node=$(slurmd -C | head -1)
name=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node")
cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")
cat >"$conf" <<CONF
$mark
# A single-node test cluster: $node
ClusterName=trustlab-test
SlurmctldHost=$name(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MinJobAge=300
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$name Default=YES MaxTime=INFINITE State=UP
CONF

if ! scontrol ping >/dev/null 2>&1 || ! scontrol ping | grep -q UP; then
  slurmctld
fi
if ! pgrep -F "$state/slurmd.pid" >/dev/null 2>&1; then
  slurmd
fi

# Wait (up to 60 s) for the node to be idle.
for _ in $(seq 60); do
  st=$(sinfo -h -n "$name" -o %T 2>/dev/null || true)
  case $st in
    idle*|mixed*|allocated*)
      echo "slurm test cluster up: node $name ($cpus CPUs), $(sinfo -h -o '%P %D %T')"
      exit 0 ;;
    down*|drain*)
      scontrol update nodename="$name" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
echo "$0: the node did not become idle; sinfo:" >&2
sinfo >&2 || true
tail -20 "$logs/slurmctld.log" "$logs/slurmd.log" >&2 || true
exit 1

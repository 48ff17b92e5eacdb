#!/bin/sh
# Runs inside container A: --cgroupns=private --pid=host -v /sys:/host/sys:ro
# args: bpid podmanpid ctrpid
out=/out
self=$(readlink /proc/self)
mkdir -p $out/proc-host/$self $out/sys-host $out/sys-ns
for p in 1 2 $1 $2 $3; do mkdir -p $out/proc-host/$p; cat /proc/$p/cgroup > $out/proc-host/$p/cgroup; done
cat /proc/self/cgroup > $out/proc-host/$self/cgroup
cat /proc/self/mountinfo > $out/mountinfo-inside.txt
echo $self > $out/self-pid.txt
# the host cgroup tree as seen through /host/sys, only the directories of interest
for h in cpu memory pids cpuset unified; do
  for d in $(cd /host/sys/fs/cgroup/$h && find . -maxdepth 2 -type d \( -path './docker/*' -o -path ./docker -o -path . \)); do
    mkdir -p $out/sys-host/fs/cgroup/$h/$d
    for f in cgroup.procs cgroup.controllers cpu.cfs_period_us cpu.cfs_quota_us cpu.shares cpu.stat memory.limit_in_bytes memory.usage_in_bytes memory.oom_control pids.max pids.current cpuset.cpus cpuset.effective_cpus; do
      [ -f /host/sys/fs/cgroup/$h/$d/$f ] && cat /host/sys/fs/cgroup/$h/$d/$f > $out/sys-host/fs/cgroup/$h/$d/$f 2>/dev/null
    done
  done
  # the container's own (namespaced) view of the same hierarchy
  if [ -d /sys/fs/cgroup/$h ]; then
    mkdir -p $out/sys-ns/fs/cgroup/$h
    for f in cgroup.procs cgroup.controllers cpu.cfs_period_us cpu.cfs_quota_us memory.limit_in_bytes pids.max; do
      [ -f /sys/fs/cgroup/$h/$f ] && cat /sys/fs/cgroup/$h/$f > $out/sys-ns/fs/cgroup/$h/$f 2>/dev/null
    done
  fi
done

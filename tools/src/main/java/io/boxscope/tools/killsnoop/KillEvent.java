package io.boxscope.tools.killsnoop;

import java.time.LocalTime;

/**
 * One signal sent, as libbpf-tools' killsnoop (sigsnoop) prints it.
 *
 * @param time      local time the event was read
 * @param pid       sender's process id
 * @param comm      sender's name
 * @param signal    signal number (0: kill -0, with -k)
 * @param tpid      target process (negative: a process group, with -k)
 * @param result    signal_generate's errno field, or with -k the syscall's return (0 or -errno)
 * @param container the sender's container, or null on the host
 */
public record KillEvent(LocalTime time, int pid, String comm, int signal, int tpid, int result, String container) {}

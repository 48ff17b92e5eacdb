package io.boxscope.tools.exitsnoop;

import java.time.LocalTime;

/**
 * One process (or thread) exit as libbpf-tools' exitsnoop prints it.
 *
 * @param time      local time the event was read (exitsnoop -t)
 * @param pid       process id
 * @param ppid      parent process id (0: unknown)
 * @param tid       thread id
 * @param ageNs     how long the task lived
 * @param exitCode  the exit status (0..255); meaningless when {@code signal} is not 0
 * @param signal    the signal that ended it, 0 for an exit
 * @param codeKnown false when the task ended without exit()/exit_group() or a fatal signal being seen
 *                  (tracing started while it was in exit); printed as 0, as libbpf-tools would not know either
 * @param comm      process (thread) name
 * @param container the container's name, or null on the host
 */
public record ExitEvent(LocalTime time, int pid, int ppid, int tid, long ageNs, int exitCode, int signal, boolean codeKnown,
                        String comm, String container) {}

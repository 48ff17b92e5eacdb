package io.boxscope.tools.oomkill;

import java.time.LocalTime;

/**
 * One OOM kill as libbpf-tools' oomkill prints it.
 *
 * @param time        local time the event was read
 * @param triggerPid  the process whose allocation ran out of memory (current at oom:mark_victim)
 * @param triggerComm its name
 * @param victimPid   the process killed
 * @param victimComm  its name
 * @param totalVmKb   the victim's virtual size
 * @param anonRssKb   its resident anonymous memory
 * @param fileRssKb   its resident file pages
 * @param shmemRssKb  its resident shared memory
 * @param pages       the victim's resident pages (anon + file + shmem): what this tool prints as
 *                    "N pages" (libbpf-tools print the OOM domain's size, which the tracepoint lacks)
 * @param loadavg     /proc/loadavg when the event was read (its line, without the newline), or null
 * @param container   the trigger's container, or null on the host
 */
public record OomEvent(LocalTime time, int triggerPid, String triggerComm, int victimPid, String victimComm, long totalVmKb,
                       long anonRssKb, long fileRssKb, long shmemRssKb, long pages, String loadavg, String container) {}

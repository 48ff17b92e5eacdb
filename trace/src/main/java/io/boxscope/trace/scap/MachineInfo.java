package io.boxscope.trace.scap;

/**
 * The machine info block (MI, 0x201): libscap's packed {@code scap_machine_info}, 180 bytes.
 *
 * @param numCpus     online CPUs when the capture started
 * @param memoryBytes physical memory
 * @param maxPid      /proc/sys/kernel/pid_max
 * @param hostname    the host name (at most 127 bytes are stored)
 */
public record MachineInfo(int numCpus, long memoryBytes, long maxPid, String hostname) {}

package io.boxscope.tools.tcpconnect;

/**
 * One active TCP connect as libbpf-tools' tcpconnect prints it.
 *
 * @param sinceNs   nanoseconds since the first event (tcpconnect -t), when it was read
 * @param pid       process id
 * @param uid       user id
 * @param comm      process name
 * @param ipVersion 4 or 6
 * @param saddr     source address (chosen by the kernel before the SYN), as inet_ntop(3) writes it
 * @param daddr     destination address, as inet_ntop(3) writes it
 * @param dport     destination port
 * @param container the container's name, or null on the host
 */
public record ConnectEvent(long sinceNs, int pid, int uid, String comm, int ipVersion, String saddr, String daddr,
                           int dport, String container) {}

package io.boxscope.tools.tcplife;

/**
 * One closed TCP session as libbpf-tools' tcplife prints it.
 *
 * @param timestampNs kernel monotonic time of the close (bpf_ktime_get_ns), for -t
 * @param pid         the process that connected (SYN_SENT) or closed last (LAST_ACK), else the one
 *                    current at TCP_CLOSE
 * @param comm        that process's name
 * @param ipVersion   4 or 6
 * @param laddr       local address, as inet_ntop(3) writes it
 * @param lport       local port
 * @param raddr       remote address
 * @param rport       remote port
 * @param txBytes     struct tcp_sock's bytes_acked: data sent and acknowledged; the SYN and FIN
 *                    each count one, as they take one sequence number (RFC 4898's
 *                    tcpEStatsAppHCThruOctetsAcked, which the kernel keeps)
 * @param rxBytes     struct tcp_sock's bytes_received: data received, a FIN received counting one
 * @param spanNs      from the socket's last move to a state before FIN_WAIT1 (ESTABLISHED) to CLOSE
 * @param container   with --container its name; without, the container of the task current when the
 *                    socket closed (often the peer's or another task's: softirq), or null on the host
 */
public record TcpSession(long timestampNs, int pid, String comm, int ipVersion, String laddr, int lport, String raddr,
                         int rport, long txBytes, long rxBytes, long spanNs, String container) {}

package io.boxscope.proc.tasks;

/**
 * A socket as the network namespace's tables list it (/proc/PID/net/tcp, tcp6, udp, udp6, unix).
 *
 * @param proto      {@code tcp}, {@code udp} or {@code unix}
 * @param family     4 or 6 for inet sockets, 0 for unix
 * @param localAddr  local address (4 or 16 bytes, network order), empty for unix
 * @param localPort  local port
 * @param remoteAddr remote address, all zeros when unconnected
 * @param remotePort remote port, 0 when unconnected
 * @param listening  TCP state LISTEN (10)
 * @param path       a unix socket's path, or empty
 */
public record SocketEndpoint(String proto, int family, byte[] localAddr, int localPort, byte[] remoteAddr,
                             int remotePort, boolean listening, String path) {}

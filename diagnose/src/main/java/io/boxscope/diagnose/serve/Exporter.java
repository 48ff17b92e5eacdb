package io.boxscope.diagnose.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The HTTP endpoint of {@code boxscope serve}: the Prometheus client library's own server
 * ({@code prometheus-metrics-exporter-httpserver}, JDK's com.sun.net.httpserver underneath) serving
 * {@code /metrics} (text or OpenMetrics, as the scraper asks) from a registry holding one
 * {@link ContainerCollector}. Closing it stops the server and frees the port.
 */
public final class Exporter implements AutoCloseable {
    private final HTTPServer server;
    private final InetSocketAddress address;

    private Exporter(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Binds {@code listen} (port 0 picks a free one) and starts serving; throws if the port is taken. */
    public static Exporter start(InetSocketAddress listen, ContainerCollector collector) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        HTTPServer server = HTTPServer.builder()
                .inetAddress(listen.getAddress())
                .port(listen.getPort())
                .registry(registry)
                .buildAndStart();
        return new Exporter(server, new InetSocketAddress(listen.getAddress(), server.getPort()));
    }

    /** Where it listens, with the real port when 0 was asked for. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }
}

package io.boxscope.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import io.boxscope.cli.Cli;
import io.boxscope.cli.UsageException;
import org.junit.jupiter.api.Test;

/** serve's option parsing and start-up failures (the serving itself: ServePrometheusTest). */
class ServeCommandTest {
    @Test
    void parsesHostAndPort() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9464), ServeCommand.parseListen("127.0.0.1:9464"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 0), ServeCommand.parseListen("[::1]:0"));
        assertTrue(ServeCommand.parseListen(ServeCommand.DEFAULT_LISTEN).getAddress().isLoopbackAddress());
        for (String bad : new String[] {"9464", ":9464", "::1:9464", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:http"}) {
            assertThrows(UsageException.class, () -> ServeCommand.parseListen(bad), bad);
        }
    }

    @Test
    void aBadListenIsAUsageError() {
        Cli r = Cli.run("serve", "--listen", "localhost");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--listen wants HOST:PORT"), r.err());
    }

    @Test
    void aTakenPortFailsWithWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli r = Cli.run("serve", "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, r.code(), r.err() + r.out());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()) && r.err().contains("--listen"), r.err());
        }
    }
}

package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: container.image.id, container.image.repository, container.image.tag (the container description's
 * imageid, imagerepo, imagetag: no value on the host, nor for a container the file does not describe) and
 * fd.cproto, fd.sproto, fd.lproto, fd.rproto (the ports as text: sysdig -r resolves no service names; a
 * listening socket's server protocol is empty), which {@code -p} refused as invalid formatting tokens. The
 * expectations are what the installed sysdig 0.29 prints for the same files.
 */
class TraceImageAndProtoFieldsTest {
    @TempDir
    Path dir;

    @Test
    void imagePartsAsSysdigPrintsThem() throws Exception {
        Path file = ContainerCapture.write(dir.resolve("containers.scap"));
        String fmt = "%evt.num %proc.name %container.id %container.image %container.image.id %container.image.repository"
                + " %container.image.tag";
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "*" + fmt), List.of("-p", fmt),
                List.of("-p", "*" + fmt, "container.image.tag=1.25"), List.of("-p", "*" + fmt, "container.image.repository exists")));
        assertTrue(TraceReadFilterTest.oursRead(file, List.of("-p", fmt)).contains(" nginx 3f2a1b4c5d6e nginx:1.25 a8758716bb6a nginx 1.25"));
        String list = Cli.run("trace", "-l").out();
        for (String name : List.of("container.image.id", "container.image.repository", "container.image.tag", "fd.cproto",
                "fd.sproto", "fd.lproto", "fd.rproto", "proc.sid", "proc.sname", "proc.tty", "proc.vpgid", "user.loginuid",
                "user.loginname")) {
            assertTrue(list.contains(name), name);
        }
    }

    @Test
    void protocolFieldsAsSysdigPrintsThem() throws Exception {
        String fmt = "%evt.num %fd.num %fd.name %fd.cproto %fd.sproto %fd.lproto %fd.rproto %fd.cport %fd.sport %fd.cip %fd.is_server";
        for (Path file : List.of(TraceReadFilterTest.capture(), SessionCapture.write(dir.resolve("session.scap")))) {
            TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "*" + fmt), List.of("-p", fmt),
                    List.of("-p", "*" + fmt, "fd.sproto=8080 or fd.cproto=41000 or fd.lproto=80"),
                    List.of("-p", "*" + fmt, "fd.type in (ipv4, ipv6, unix)")));
        }
    }

    /**
     * evt.rawarg.NAME in -p: sysdig prints it with print format PF_NA, so a 32-bit or unsigned argument (size,
     * a UINT32) prints {@code <NA>} while res (INT64-like) and name (a string) print; the line goes without {@code *}.
     */
    @Test
    void rawargInFormatsAsSysdigPrintsIt() throws Exception {
        String fmt = "%evt.num %evt.type %evt.rawarg.res %evt.rawarg.size %evt.rawarg.name";
        TraceReadFilterTest.assertSameAsSysdig(TraceReadFilterTest.capture(), List.of(List.of("-p", "*" + fmt),
                List.of("-p", fmt), List.of("-p", "*%evt.num %evt.rawarg.size", "evt.rawarg.size > 0")));
    }
}

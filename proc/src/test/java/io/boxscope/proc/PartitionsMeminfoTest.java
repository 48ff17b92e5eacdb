package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** /proc/partitions and /proc/meminfo captured on the development machine, the live files, and broken ones. */
class PartitionsMeminfoTest {
    @Test
    void partitionsFixture() {
        Partitions p = Partitions.parse(Fixtures.text("proc/partitions.txt"));
        assertEquals("vda", p.name(Partitions.dev(254, 0)).orElseThrow());
        assertEquals(254L << 20, p.dev("vda").orElseThrow());
        assertTrue(p.name(Partitions.dev(8, 0)).isEmpty());
    }

    /** Every disk in /sys/block with a dev file is in /proc/partitions under its major:minor. */
    @Test
    void livePartitionsAgreeWithSysBlock() throws Exception {
        Partitions p = Partitions.read(HostPaths.DEFAULT);
        try (var disks = Files.list(Path.of("/sys/block"))) {
            for (Path d : disks.toList()) {
                String[] mm = Files.readString(d.resolve("dev")).trim().split(":");
                long dev = Partitions.dev(Long.parseLong(mm[0]), Long.parseLong(mm[1]));
                if (Files.readString(d.resolve("size")).trim().equals("0")) {
                    continue; // show_partition skips empty disks (an unused loop device)
                }
                assertEquals(d.getFileName().toString(), p.name(dev).orElseThrow(), dev + " in /proc/partitions");
            }
        }
    }

    @Test
    void meminfoFixture() {
        Meminfo m = Meminfo.parse(Fixtures.text("proc/meminfo.txt"));
        assertTrue(m.require("MemTotal") > 0);
        assertTrue(m.get("Buffers").isPresent());
        assertTrue(m.get("Cached").isPresent());
        assertTrue(m.get("HugePages_Total").isPresent(), "a line without kB");
        assertTrue(m.get("NoSuchKey").isEmpty());
    }

    @Test
    void hostileInput() {
        assertThrows(ProcParseException.class, () -> Partitions.parse("major minor  #blocks  name\n\n 8 x 1 sda\n"));
        assertThrows(ProcParseException.class, () -> Meminfo.parse("MemTotal 12 kB\n"));
        assertThrows(ProcParseException.class, () -> Meminfo.parse("MemTotal: 12 MB\n"));
        assertThrows(ProcParseException.class, () -> Meminfo.parse("Cached:\n").require("Cached"));
    }
}

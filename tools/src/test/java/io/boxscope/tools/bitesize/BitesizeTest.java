package io.boxscope.tools.bitesize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.biolatency.BlockDevice;
import io.boxscope.tools.hist.HistTextTest;
import io.boxscope.tools.hist.Log2Hist;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/** bitesize's text against libbpf-tools' bitesize output captured here, and a dd of known request size. */
class BitesizeTest {
    @Test
    void layoutMatchesLibbpfTools() throws Exception {
        String text;
        try (InputStream in = HistTextTest.class.getResourceAsStream("libbpf-bitesize.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<HistTextTest.Block> blocks = HistTextTest.blocks("libbpf-bitesize.txt");
        List<String> names = text.lines().filter(l -> l.startsWith("Process Name = ")).map(l -> l.substring(15)).toList();
        List<Bitesize.CommHist> hists = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            hists.add(new Bitesize.CommHist(names.get(i), new Log2Hist(Arrays.copyOf(blocks.get(i).counts(), Bitesize.MAX_SLOTS))));
        }
        assertEquals(text, Bitesize.header() + Bitesize.text(new Bitesize.Report(null, hists)));
    }

    /**
     * dd writes 256 KiB requests with O_DIRECT: its histogram has them in the slot of 256 Kbytes (a disk's max request
     * permitting). Other processes called dd (other tests, other users) write at other sizes, so this dd runs through a
     * link of a name of its own ({@code bsz} and the JVM's pid): the kernel names a process after the file it
     * executed, and {@code -c} selects that name only.
     */
    @Test
    @KernelTest
    void directWritesOfKnownSize() throws Exception {
        Path dir = BlockDevice.testDir();
        BlockDevice disk = BlockDevice.of(dir);
        Path file = Files.createTempFile(dir, "boxscope-bitesize", ".dat");
        Path bin = Files.createTempDirectory("boxscope-bitesize");
        String comm = "bsz" + ProcessHandle.current().pid();
        Path dd = Files.createSymbolicLink(bin.resolve(comm), Path.of("/bin/dd"));
        try (Running<Bitesize.Report> r = Running.start(Bitesize.run(new Bitesize.Options(comm, disk.kernelDev()), false))) {
            Process p = new ProcessBuilder(dd.toString(), "if=/dev/zero", "of=" + file, "bs=256k", "count=16", "oflag=direct", "status=none")
                    .start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0);
            List<Bitesize.Report> reports = r.stop();
            long kb = Math.min(256, disk.maxRequestBytes() / 1024);
            int slot = 63 - Long.numberOfLeadingZeros(kb);
            Log2Hist dds = reports.stream().flatMap(x -> x.hists().stream()).filter(h -> h.comm().equals(comm))
                    .map(Bitesize.CommHist::hist).reduce(new Log2Hist(new long[Bitesize.MAX_SLOTS]), Log2Hist::plus);
            long[] s = dds.slots();
            int mode = 0;
            for (int i = 0; i < s.length; i++) {
                mode = s[i] > s[mode] ? i : mode;
            }
            assertTrue(dds.total() >= 16, "dd's 16 writes: " + reports);
            assertEquals(slot, mode, "most of dd's writes are " + kb + " Kbytes: " + reports);
            assertTrue(reports.stream().flatMap(x -> x.hists().stream()).allMatch(h -> h.comm().startsWith(comm)), "-c " + comm + ": " + reports);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dd);
            Files.deleteIfExists(bin);
        }
    }
}

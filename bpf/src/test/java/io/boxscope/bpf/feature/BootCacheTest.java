package io.boxscope.bpf.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-boot cache trusts only root's own 0600 file in a directory only root may write, of this boot and key.
 * Root-only (the cache is), hence {@code @KernelTest}; each test works in its own temporary directory.
 */
@KernelTest
class BootCacheTest {
    @TempDir
    Path tmp;

    @AfterEach
    void off() {
        BootCache.useDirectory(null);
        Features.reset();
    }

    private Path dir() throws IOException {
        Path d = tmp.resolve("run");
        Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return d;
    }

    /** A well-formed file of this process's key, written by hand (not by the code under test). */
    private static String valid(String entries) throws IOException {
        return "boxscope-boot-cache 1\nkey " + BootCache.key(BootCache.Scope.PRIVILEGES) + "\n" + entries;
    }

    private static void writeRoot0600(Path f, String text) throws IOException {
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void keyNamesBootReleaseCapabilitiesAndLockdown() throws IOException {
        String key = BootCache.key(BootCache.Scope.PRIVILEGES);
        assertNotNull(key, "tests run as root");
        assertTrue(key.contains("boot=" + Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip()), key);
        assertTrue(key.contains("release=" + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()), key);
        assertTrue(key.matches(".* cap_eff=[0-9a-f]{16} lockdown=\\S+"), key);
        assertFalse(BootCache.key(BootCache.Scope.KERNEL).contains("cap_eff"));
    }

    @Test
    void storesReadsBackAndWritesRoots0600File() throws IOException {
        Path d = dir();
        BootCache c = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
        assertTrue(c.usable());
        assertEquals(Optional.empty(), c.get("a"));
        c.put("a", "supported");
        c.put("b:x", "int 4 1");
        Path f = d.resolve("features");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(0, Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(valid("a\tsupported\nb:x\tint 4 1\n"), Files.readString(f));
        BootCache again = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
        assertEquals(Optional.of("int 4 1"), again.get("b:x"));
        try (var s = Files.list(d)) {
            assertEquals(List.of(f), s.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aPlantedSymlinkIsNeitherReadNorFollowedWhenWriting() throws IOException {
        Path d = dir();
        Path target = tmp.resolve("elsewhere");
        writeRoot0600(target, valid("a\tplanted\n"));
        Files.createSymbolicLink(d.resolve("features"), target);
        BootCache c = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
        assertEquals(Optional.empty(), c.get("a"), "a symbolic link is not read");
        c.put("a", "supported");
        assertFalse(Files.isSymbolicLink(d.resolve("features")), "the link itself is replaced");
        assertEquals(valid("a\tplanted\n"), Files.readString(target), "the link's target is untouched");
        assertEquals(Optional.of("supported"), BootCache.in(d, "features", BootCache.Scope.PRIVILEGES).get("a"));
    }

    @Test
    void aFileOfAnotherOwnerIsIgnoredAndReplaced() throws IOException {
        Path d = dir();
        Path f = d.resolve("features");
        writeRoot0600(f, valid("a\tplanted\n"));
        Files.setAttribute(f, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        BootCache c = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
        assertEquals(Optional.empty(), c.get("a"));
        c.put("b", "supported");
        assertEquals(0, Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(valid("b\tsupported\n"), Files.readString(f));
    }

    @Test
    void aFileOthersMayReadOrWriteIsIgnored() throws IOException {
        Path d = dir();
        Path f = d.resolve("features");
        writeRoot0600(f, valid("a\tplanted\n"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(Optional.empty(), BootCache.in(d, "features", BootCache.Scope.PRIVILEGES).get("a"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), BootCache.in(d, "features", BootCache.Scope.PRIVILEGES).get("a"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.of("planted"), BootCache.in(d, "features", BootCache.Scope.PRIVILEGES).get("a"),
                "the same file as root's 0600 is read");
    }

    @Test
    void garbageAnotherBootOrAnotherFormatIsIgnoredAndRewritten() throws IOException {
        Path d = dir();
        Path f = d.resolve("features");
        String otherBoot = "boxscope-boot-cache 1\nkey " + BootCache.key(BootCache.Scope.PRIVILEGES)
                .replaceFirst("boot=[^ ]+", "boot=00000000-0000-0000-0000-000000000000") + "\na\tplanted\n";
        for (String text : List.of("\u0000\u00ff garbage", "", valid("a\tplanted"), valid("a planted\n"),
                valid("a\tplanted\n").replace("cache 1", "cache 0"), otherBoot,
                valid("a\tplanted\n").replace("cap_eff=", "cap_eff=1"))) {
            writeRoot0600(f, text);
            BootCache c = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
            assertEquals(Optional.empty(), c.get("a"), text);
            c.put("b", "supported");
            assertEquals(valid("b\tsupported\n"), Files.readString(f), text);
        }
    }

    @Test
    void anUntrustworthyDirectoryIsNeitherReadNorWritten() throws IOException {
        Path open = tmp.resolve("open");
        Files.createDirectory(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path foreign = tmp.resolve("foreign");
        Files.createDirectory(foreign, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(foreign, "unix:uid", 65534);
        Path real = dir();
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, real);
        for (Path d : List.of(open, foreign, link)) {
            writeRoot0600(real.resolve("features"), valid("a\tplanted\n"));
            if (!d.equals(link)) {
                Files.copy(real.resolve("features"), d.resolve("features"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            BootCache c = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
            assertFalse(c.usable(), d.toString());
            assertEquals(Optional.empty(), c.get("a"), d.toString());
            c.put("b", "supported");
            assertFalse(Files.readString(d.resolve("features")).contains("b\t"), d + " was written");
        }
    }

    @Test
    void parseRejectsWholeFilesNotSingleLines() {
        assertNull(BootCache.parse("boxscope-boot-cache 1\nkey k\na\tx\nbad\n", "k"));
        assertEquals(Map.of("a", "x", "b", "y\tz"), BootCache.parse("boxscope-boot-cache 1\nkey k\na\tx\nb\ty\tz\n", "k"));
    }

    /**
     * I/O errors make the cache act empty and never reach the caller, and each is counted with its file and
     * step: a directory that cannot be made (its parent is missing), and a write whose rename fails (a
     * non-empty directory holds the file's name). After a failed write the cache stays off.
     */
    @Test
    void ioErrorsActEmptyAndAreCountedWithTheirCause() throws IOException {
        long before = BootCache.errors();
        Path missing = tmp.resolve("no-such-parent").resolve("run");
        BootCache unreadable = BootCache.in(missing, "features", BootCache.Scope.PRIVILEGES);
        assertEquals(Optional.empty(), unreadable.get("a"));
        assertFalse(unreadable.usable());
        unreadable.put("a", "b");
        assertEquals(before + 1, BootCache.errors(), "one error: the cache is loaded once");
        String read = BootCache.problems().getLast();
        assertTrue(read.startsWith(missing.resolve("features") + ": opening or reading failed (NoSuchFileException"), read);

        Path d = dir();
        Files.createDirectories(d.resolve("features").resolve("inside"));
        BootCache unwritable = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
        assertTrue(unwritable.usable(), "a directory in the file's place is ignored on reading, as any non-regular file");
        unwritable.put("a", "b");
        assertEquals(before + 2, BootCache.errors());
        String write = BootCache.problems().getLast();
        assertTrue(write.startsWith(d.resolve("features") + ": writing failed ("), write);
        assertFalse(unwritable.usable());
        try (var left = Files.list(d)) {
            assertEquals(List.of(d.resolve("features")), left.toList(), "the temporary file is removed");
        }
    }

    /** What Features answers from a cold cache it answers again from the warm one, on this kernel. */
    @Test
    void coldAndWarmCacheGiveTheSameAnswers() throws IOException {
        Path d = dir();
        BootCache.useDirectory(d);
        Features.reset();
        List<Boolean> cold = answers();
        BootCache stored = BootCache.in(d, "features", BootCache.Scope.PRIVILEGES);
        assertEquals(Optional.of("supported"), stored.get("cookie:TRACEPOINT"));
        assertEquals(Optional.of("supported"), stored.get("prog:TRACEPOINT"));
        assertEquals(Features.attach(AttachKind.KPROBE).isSupported(), stored.get("attach:KPROBE").isPresent(),
                "only positive answers are kept");
        assertEquals(Optional.empty(), stored.get("helper:TRACEPOINT:SKB_STORE_BYTES"), "not for tracepoints: not kept");
        String file = Files.readString(d.resolve("features"));
        Features.reset();
        List<Boolean> warm = answers();
        assertEquals(cold, warm);
        assertEquals(file, Files.readString(d.resolve("features")), "a warm run writes nothing");
    }

    /** The warm answers come from the file: a planted positive answer in root's own valid file is believed. */
    @Test
    void warmAnswersComeFromTheFile() throws IOException {
        Path d = dir();
        writeRoot0600(d.resolve("features"), valid("helper:TRACEPOINT:SKB_STORE_BYTES\tsupported\n"));
        BootCache.useDirectory(d);
        Features.reset();
        assertTrue(Features.helper(ProgramType.TRACEPOINT, Helper.SKB_STORE_BYTES).isSupported());
        BootCache.useDirectory(null);
        Features.reset();
        assertFalse(Features.helper(ProgramType.TRACEPOINT, Helper.SKB_STORE_BYTES).isSupported(), "off: asked again");
    }

    private static List<Boolean> answers() {
        List<Boolean> out = new ArrayList<>();
        for (ProgramType t : ProgramType.values()) {
            out.add(Features.programType(t).isSupported());
        }
        for (MapType t : MapType.values()) {
            out.add(Features.mapType(t).isSupported());
        }
        for (AttachKind k : AttachKind.values()) {
            out.add(Features.cookie(k).isSupported());
            out.add(Features.attach(k).isSupported());
        }
        for (Helper h : List.of(Helper.RINGBUF_RESERVE, Helper.GET_CURRENT_CGROUP_ID, Helper.SKB_STORE_BYTES,
                Helper.GET_ATTACH_COOKIE)) {
            out.add(Features.helper(ProgramType.TRACEPOINT, h).isSupported());
        }
        return out;
    }
}

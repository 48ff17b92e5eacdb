package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * udp_extract: the data of every UDP socket of a capture file, one file per connection, as sysdig 0.29's
 * {@code udp_extract.lua}: its filter is {@code evt.dir=< and evt.rawres>=0 and fd.l4proto=udp and
 * evt.is_io=true}; each event's raw data ({@code evt.rawarg.data}, the bytes as captured) is appended to
 * {@code ./udp_dump_files/NAME}, where NAME is the fd's name with every {@code :} made {@code _} and every
 * {@code >} made {@code -} ({@code 127.0.0.1:47001->127.0.0.1:47002} gives
 * {@code 127.0.0.1_47001--127.0.0.1_47002}); a file is truncated when the capture first shows its name.
 * Nothing is printed. Live captures are refused ({@code on_capture_start}: "live capture not supported").
 *
 * <p>Deliberate differences: the Lua concatenates the fd name into the path as it is, so a capture file
 * whose fd name holds {@code /} or {@code ..} writes outside the directory; here {@code /} and NUL become
 * {@code _} too and a name of dots only is prefixed with {@code _}, so every file lands in the directory.
 * The directory is made when the first event is kept (the Lua runs {@code mkdir} at start); a directory that is
 * a symbolic link is refused and no file is written through a link (we run as root). A failed write closes every
 * file opened and ends the chisel with the error. An event
 * without a name or data (the Lua stops with an error) writes nothing.
 */
final class UdpExtract extends StreamChisel {
    /** The Lua's OUTPUT_DIR_NAME. */
    static final String DIR = "udp_dump_files";

    private final Path dir;
    private final Map<String, OutputStream> files = new LinkedHashMap<>();
    private SecureDirectoryStream<Path> outDir;

    UdpExtract(ChiselInfo info, ChiselContext context) {
        super(info, "evt.dir=< and evt.rawres>=0 and fd.l4proto=udp and evt.is_io=true");
        if (context.live()) {
            throw new ChiselInitException(info.name(), "live capture not supported");
        }
        this.dir = context.workDir().resolve(DIR);
    }

    /** The file name the Lua makes of an fd name, made safe (see the class comment). */
    static String fileName(String fdName) {
        String n = fdName.replace(':', '_').replace('>', '-').replace('/', '_').replace('\0', '_');
        return n.chars().allMatch(c -> c == '.') ? "_" + n : n;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        byte[] b = data(e);
        String name = e.text(FD_NAME);
        if (b == null || name == null) {
            return;
        }
        // keyed by the file name: two fd names made one safe name share the file instead of truncating it
        String file = fileName(name);
        try {
            OutputStream f = files.get(file);
            if (f == null) {
                // we run as root: a link planted in the directory, or the directory itself a link, must not redirect
                // the write: the file is opened relative to the directory's own descriptor, opened with O_NOFOLLOW
                f = Channels.newOutputStream(directory().newByteChannel(Path.of(file), Set.of(StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)));
                files.put(file, f);
            }
            f.write(b);
        } catch (IOException x) {
            UncheckedIOException u = new UncheckedIOException("udp_extract: " + dir.resolve(file) + ": " + x.getMessage(), x);
            try {
                closeAll();
            } catch (IOException c) {
                u.addSuppressed(c);
            }
            throw u;
        }
    }

    /**
     * The output directory, made on first use, opened once through its parent with {@code O_NOFOLLOW} (a
     * {@link SecureDirectoryStream}, openat(2)): a {@code udp_dump_files} that is a symbolic link is refused, where
     * {@code NOFOLLOW_LINKS} on the file's path alone protects only its last component.
     */
    private SecureDirectoryStream<Path> directory() throws IOException {
        if (outDir == null) {
            Files.createDirectories(dir);
            if (Files.isSymbolicLink(dir)) {
                throw new IOException("a symbolic link, not a directory: refused (the files would go where it points)");
            }
            try (DirectoryStream<Path> parent = Files.newDirectoryStream(dir.toAbsolutePath().getParent())) {
                if (!(parent instanceof SecureDirectoryStream<Path> sp)) {
                    throw new IOException("this platform cannot open a directory without following links");
                }
                outDir = sp.newDirectoryStream(dir.getFileName(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        return outDir;
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        try {
            closeAll();
        } catch (IOException x) {
            throw new UncheckedIOException("udp_extract: " + x.getMessage(), x);
        }
    }

    /** Closes every file and the directory; the first failure is thrown once all are closed, the others suppressed. */
    private void closeAll() throws IOException {
        IOException first = null;
        java.util.List<java.io.Closeable> all = new java.util.ArrayList<>(files.values());
        if (outDir != null) {
            all.add(outDir);
        }
        files.clear();
        outDir = null;
        for (java.io.Closeable c : all) {
            try {
                c.close();
            } catch (IOException x) {
                if (first == null) {
                    first = x;
                } else {
                    first.addSuppressed(x);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(16384)}. */
    @Override
    public int snapLen() {
        return 16384;
    }
}

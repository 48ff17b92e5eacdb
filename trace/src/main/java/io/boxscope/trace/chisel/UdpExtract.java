package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The directory is made when the first event is kept (the Lua runs {@code mkdir} at start). An event
 * without a name or data (the Lua stops with an error) writes nothing.
 */
final class UdpExtract extends StreamChisel {
    /** The Lua's OUTPUT_DIR_NAME. */
    static final String DIR = "udp_dump_files";

    private final Path dir;
    private final Map<String, OutputStream> files = new LinkedHashMap<>();

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
                Files.createDirectories(dir);
                // we run as root: a link planted in the directory must not redirect the write (O_NOFOLLOW)
                f = Files.newOutputStream(dir.resolve(file), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                files.put(file, f);
            }
            f.write(b);
        } catch (IOException x) {
            throw new UncheckedIOException("udp_extract: " + dir.resolve(file) + ": " + x.getMessage(), x);
        }
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        IOException first = null;
        for (OutputStream f : files.values()) {
            try {
                f.close();
            } catch (IOException x) {
                first = first == null ? x : first;
            }
        }
        files.clear();
        if (first != null) {
            throw new UncheckedIOException("udp_extract: " + first.getMessage(), first);
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(16384)}. */
    @Override
    public int snapLen() {
        return 16384;
    }
}

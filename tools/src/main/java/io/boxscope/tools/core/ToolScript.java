package io.boxscope.tools.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.runtime.Scripts;

/**
 * A tool's probe-language program, shipped as the resource
 * {@code /io/boxscope/tools/TOOL/TOOL.bt} next to the tool's classes. The program's parameters are
 * bpftrace's positional parameters {@code $1..$N} (each script's header comment says what each one
 * is); the tool passes them as strings, integers in decimal.
 *
 * @param name   the tool's name, also its folder and the script's file name ({@code execsnoop})
 * @param source the program text
 * @param strlen bytes {@code str()} reads (bpftrace's BPFTRACE_STRLEN; libbpf-tools' buffer sizes)
 * @param mapKeys keys each of the script's hash maps holds (bpftrace's BPFTRACE_MAP_KEYS_MAX,
 *                {@link CheckOptions#DEFAULT_MAP_KEYS}); updates past it fail in the kernel and the runtime
 *                reports them ({@link io.boxscope.probe.output.Event.MapUpdateFailed})
 */
public record ToolScript(String name, String source, int strlen, int mapKeys) {

    /** A script whose maps hold {@link CheckOptions#DEFAULT_MAP_KEYS} keys. */
    public ToolScript(String name, String source, int strlen) {
        this(name, source, strlen, CheckOptions.DEFAULT_MAP_KEYS);
    }

    /** With the size {@code str()} reads, e.g. libbpf-tools execsnoop's ARGSIZE (128). */
    public ToolScript withStrlen(int bytes) {
        return new ToolScript(name, source, bytes, mapKeys);
    }

    /** With maps of {@code keys} keys (tests fill a small map to see its failed updates reported). */
    public ToolScript withMapKeys(int keys) {
        return new ToolScript(name, source, strlen, keys);
    }

    /**
     * This program followed by the tool's resource {@code /io/boxscope/tools/NAME/FILE} (probes that
     * only some kernels can attach, added where they can).
     */
    public ToolScript plus(Class<?> anchor, String file) {
        return new ToolScript(name, source + "\n" + read(anchor, "/io/boxscope/tools/" + name + "/" + file), strlen, mapKeys);
    }

    /** Loads {@code /io/boxscope/tools/NAME/NAME.bt} from {@code anchor}'s module (a class of the tool). */
    public static ToolScript of(Class<?> anchor, String name) {
        return new ToolScript(name, read(anchor, "/io/boxscope/tools/" + name + "/" + name + ".bt"), CheckOptions.DEFAULT_STRLEN);
    }

    private static String read(Class<?> anchor, String path) {
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("a tool has no script " + path + " (a packaging error)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tool script " + path, e);
        }
    }

    /**
     * Parses, checks and compiles the program for the running kernel with these positional
     * parameters; {@code cgroupFilter} compiles the in-kernel cgroup check that
     * {@link ToolSession} fills for {@code --container}.
     *
     * @throws ProgramException      the script does not compile here (a tool defect, or a kernel
     *                               without a tracepoint it needs: the message says which)
     * @throws AccessDeniedException tracefs or BTF cannot be read (not root)
     */
    public CompiledScript compile(Path sysRoot, List<String> params, boolean cgroupFilter)
            throws ProgramException, AccessDeniedException {
        return compile(sysRoot, params, cgroupFilter, CheckOptions.DEFAULT_RING_BYTES);
    }

    /** As above, with a ring buffer of {@code ringBytes} bytes ({@link CheckOptions#ringBytes}). */
    public CompiledScript compile(Path sysRoot, List<String> params, boolean cgroupFilter, int ringBytes)
            throws ProgramException, AccessDeniedException {
        return Scripts.compile(new SourceText(name + ".bt", source), sysRoot,
                new CheckOptions(false, params, strlen, mapKeys).withRingBytes(ringBytes), cgroupFilter);
    }
}

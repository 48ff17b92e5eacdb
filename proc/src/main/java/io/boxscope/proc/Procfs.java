package io.boxscope.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Thin reader of per-process files under the proc root. Parsing lives in the records. */
public final class Procfs {
    private final HostPaths paths;

    public Procfs(HostPaths paths) {
        this.paths = paths;
    }

    public HostPaths paths() {
        return paths;
    }

    /** Every numeric entry of the proc root, ascending. */
    public List<Integer> pids() throws IOException {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.procRoot())) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Integer.parseInt(name));
                }
            }
        }
        pids.sort(null);
        return pids;
    }

    /** Text of {@code <proc-root>/PID/FILE}; a missing process becomes {@link NoSuchProcessException}. */
    public String read(int pid, String file) throws IOException {
        try {
            // Lenient decoding: process names and paths are arbitrary bytes, not always UTF-8.
            return new String(Files.readAllBytes(paths.pidFile(pid, file)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!Files.exists(paths.procRoot().resolve(Integer.toString(pid)))) {
                throw new NoSuchProcessException(pid, paths.procRoot().toString());
            }
            throw e;
        }
    }

    public ProcStat stat(int pid) throws IOException {
        return ProcStat.parse(read(pid, "stat"));
    }

    /**
     * {@code <proc-root>/PID/io} ({@link ProcIo}). Another user's process gives {@code AccessDeniedException}
     * without CAP_SYS_PTRACE (ptrace access mode PTRACE_MODE_READ_FSCREDS, fs/proc/base.c).
     */
    public ProcIo io(int pid) throws IOException {
        return ProcIo.parse(read(pid, "io"));
    }

    public boolean exists(int pid) {
        return Files.isDirectory(paths.procRoot().resolve(Integer.toString(pid)));
    }
}

package io.boxscope.tools.biosnoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Partitions;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/** biosnoop as an {@link EventTool}: one {@link Biosnoop.Event} per completed I/O. */
public final class BiosnoopTool extends EventTool<Biosnoop.Event> {
    private final Biosnoop.Options options;
    private final Partitions partitions;
    private final HostPaths paths;
    private final Map<Long, Boolean> noScheduler = new HashMap<>();

    public BiosnoopTool(Biosnoop.Options options, HostPaths paths) throws IOException {
        this.options = options;
        this.paths = paths;
        this.partitions = Partitions.read(paths);
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(BiosnoopTool.class, "biosnoop");
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return options.params();
    }

    @Override
    protected Biosnoop.Event decode(int formatId, Args a) {
        long dev = a.i(1);
        boolean none = noScheduler.computeIfAbsent(dev, this::withoutScheduler);
        return Biosnoop.event(a.i(0), dev, (int) a.i(2), a.s(3), a.s(4), a.i(5), a.i(6), a.i(7), a.i(8), partitions, none);
    }

    /** {@code [none]} in /sys/block/DISK/queue/scheduler: the disk issues without an I/O scheduler. */
    private boolean withoutScheduler(long dev) {
        String name = partitions.name(dev).orElse(null);
        if (name == null) {
            return false;
        }
        try {
            return Files.readString(paths.sysRoot().resolve("block").resolve(name).resolve("queue/scheduler")).contains("[none]");
        } catch (IOException e) {
            return false;
        }
    }
}

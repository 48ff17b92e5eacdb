package io.boxscope.cli.bench;

import java.util.concurrent.Callable;
import io.boxscope.bench.workload.MemoryWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "memory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"sysbench's memory test: each event reads or writes one block, word by word.",
                "MiB/sec are comparable with 'sysbench memory run' (see docs/bench.md)."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope bench memory                                    1K blocks, 100G in total or 10 s",
                "  boxscope bench memory --memory-block-size=1M --memory-oper=read",
                "  boxscope bench memory --memory-access-mode=rnd --memory-scope=local --threads=2",
                "  boxscope --json bench memory --time=5 | jq '.summary.mib_per_second.mean'"})
final class MemoryBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--memory-block-size", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Size of memory block for test (default: 1K).")
    long blockSize = 1024;

    @Option(names = "--memory-total-size", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Total size of data to transfer (default: 100G).")
    long totalSize = 100L << 30;

    @Option(names = "--memory-scope", paramLabel = "global|local", description = "Memory access scope (default: global).")
    String scope = "global";

    @Option(names = "--memory-oper", paramLabel = "read|write|none", description = "Type of memory operations (default: write).")
    String oper = "write";

    @Option(names = "--memory-access-mode", paramLabel = "seq|rnd", description = "Memory access mode (default: seq).")
    String access = "seq";

    @Option(names = "--memory-hugetlb", arity = "0..1", fallbackValue = "on", converter = Converters.OnOff.class, hidden = true)
    boolean hugetlb;

    @Parameters(arity = "0..1", paramLabel = "run", description = "sysbench's command word; only 'run' exists for this test.")
    String command;

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("memory", command);
        if (hugetlb) {
            throw new io.boxscope.cli.UsageException("--memory-hugetlb is not supported: the JVM allocates the blocks");
        }
        MemoryWorkload.Scope s = Enums.parse(MemoryWorkload.Scope.class, "--memory-scope", scope);
        MemoryWorkload.Oper op = Enums.parse(MemoryWorkload.Oper.class, "--memory-oper", oper);
        MemoryWorkload.Access a = Enums.parse(MemoryWorkload.Access.class, "--memory-access-mode", access);
        if (common.events > 0 && common.joinCgroupsOf == null) {
            spec.commandLine().getErr().println("notice: the memory test ends by --memory-total-size or --time; "
                    + "--events is ignored, as in sysbench");
        }
        common.events = 0;
        return BenchRunner.run(spec, common, o -> new MemoryWorkload(blockSize, totalSize, s, op, a, o.threads()));
    }
}

package io.boxscope.cli.bench;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.workload.MemoryWorkload;

final class MemoryBench extends CliCommand {
    final CommonOptions common = new CommonOptions(this);

    final Opt<Long> blockSize = option(long.class, 1024L, "--memory-block-size").label("SIZE").converter(new Converters.Size())
            .help("Size of memory block for test (default: 1K).");

    final Opt<Long> totalSize = option(long.class, 100L << 30, "--memory-total-size").label("SIZE").converter(new Converters.Size())
            .help("Total size of data to transfer (default: 100G).");

    final Opt<String> scope = option(String.class, "global", "--memory-scope").label("global|local")
            .help("Memory access scope (default: global).");

    final Opt<String> oper = option(String.class, "write", "--memory-oper").label("read|write|none")
            .help("Type of memory operations (default: write).");

    final Opt<String> access = option(String.class, "seq", "--memory-access-mode").label("seq|rnd")
            .help("Memory access mode (default: seq).");

    final Opt<Boolean> hugetlb = flag("--memory-hugetlb").arity("0..1").fallback("on").converter(new Converters.OnOff()).hidden();

    final Opt<String> command = positional(String.class, null).arity("0..1").label("run")
            .help("sysbench's command word; only 'run' exists for this test.");

    MemoryBench() {
        super("memory", "sysbench's memory test: each event reads or writes one block, word by word.",
                "MiB/sec are comparable with 'sysbench memory run' (see docs/bench.md).");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope bench memory                                    1K blocks, 100G in total or 10 s",
                "  boxscope bench memory --memory-block-size=1M --memory-oper=read",
                "  boxscope bench memory --memory-access-mode=rnd --memory-scope=local --threads=2",
                "  boxscope --json bench memory --time=5 | jq '.summary.mib_per_second.mean'");
    }

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("memory", command.value());
        if (hugetlb.value()) {
            throw new io.boxscope.cli.UsageException("--memory-hugetlb is not supported: the JVM allocates the blocks");
        }
        MemoryWorkload.Scope s = Enums.parse(MemoryWorkload.Scope.class, "--memory-scope", scope.value());
        MemoryWorkload.Oper op = Enums.parse(MemoryWorkload.Oper.class, "--memory-oper", oper.value());
        MemoryWorkload.Access a = Enums.parse(MemoryWorkload.Access.class, "--memory-access-mode", access.value());
        if (common.events.value() > 0 && common.joinCgroupsOf.value() == null) {
            err().println("notice: the memory test ends by --memory-total-size or --time; "
                    + "--events is ignored, as in sysbench");
        }
        common.events.set(0L); // sysbench ignores --events here, and so must the runner
        return BenchRunner.run(spec(), common, o -> new MemoryWorkload(blockSize.value(), totalSize.value(), s, op, a, o.threads()));
    }
}

package io.boxscope.cli.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;

/**
 * {@code boxscope sysbench ARGS...}: a drop-in for sysbench 1.0.20 ({@link SysbenchDropIn}).
 * {@link io.boxscope.cli.Main} hands it everything after the word "sysbench" untouched, so
 * sysbench's own --help, --version and options are sysbench's, not picocli's; this model exists
 * for boxscope's --help listing and completion. A link named {@code sysbench} to the launcher runs
 * it too.
 */
public final class SysbenchCommand extends CliCommand {
    final Opt<List<String>> args = positionals(String.class).arity("0..*").label("ARGS")
            .help("sysbench's command line: [options]... [testname] [command].");

    public SysbenchCommand() {
        super("sysbench", "A drop-in for sysbench 1.0.20: takes its command line as it is and prints what it prints",
                "(its help, messages and exit codes), with the measurement of 'boxscope bench' and none of its additions.",
                "Tests: fileio, cpu, memory, threads, mutex; Lua scripts are not supported.");
        globals();
        examples("  boxscope sysbench cpu --threads=2 --time=10 run",
                "  boxscope sysbench --memory-block-size=1M memory run",
                "  boxscope sysbench fileio --file-total-size=1G --file-test-mode=rndrw prepare|run|cleanup",
                "  ln -s $(command -v boxscope) ~/bin/sysbench; sysbench --version     the link runs it too");
    }

    @Override
    public Integer call() {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        return SysbenchDropIn.run(args.value(), out, System.err, System.in);
    }
}

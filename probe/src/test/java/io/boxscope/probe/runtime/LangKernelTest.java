package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/**
 * What bpftrace 0.17 cannot run in the same form, compared with the bpftrace program that reads the same
 * thing another way on the same workload: raw tracepoint arguments typed from BTF (0.17 aborts on raw
 * tracepoints) against the tracepoint, {@code args.f} (0.17 knows only {@code args->f}) against
 * {@code args->f}; and the unsafe functions, which both run with --unsafe.
 */
@KernelTest
class LangKernelTest {
    static final String DD = "/usr/bin/dd if=/dev/zero of=/dev/null bs=3 count=7 status=none";

    static String bpftrace(String program, String command, boolean unsafe) throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        List<String> cmd = new ArrayList<>(List.of("bpftrace"));
        if (unsafe) {
            cmd.add("--unsafe");
        }
        cmd.addAll(List.of("-c", command, "-e", program));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
        return new String(out, StandardCharsets.UTF_8);
    }

    static String ours(String program, String command, boolean unsafe) throws Exception {
        return Runs.run(program, new CheckOptions(unsafe, List.of()), false, Duration.ofSeconds(20), null, command).out();
    }

    @Test
    void rawTracepointArgumentsFromBtfReadWhatTheTracepointReads() throws Exception {
        String theirs = bpftrace("tracepoint:sched:sched_process_exec /pid == cpid/ { printf(\"%d %d %s %s\\n\", "
                + "args->pid == pid, args->old_pid == pid, comm, str(args->filename)); }", DD, false);
        String ours = ours("rawtracepoint:sched_process_exec /pid == cpid/ { $p = (struct task_struct *)arg0; "
                + "printf(\"%d %d %s %s\\n\", $p->pid == pid, args->old_pid == pid, args->p->comm, str(args->bprm->filename)); }",
                DD, false);
        assertEquals(theirs, ours);
        assertTrue(ours.contains("1 1 dd /usr/bin/dd\n"), ours);
    }

    @Test
    void argsDotFieldIsArgsArrowField() throws Exception {
        String theirs = bpftrace("tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[args->fd, args->count] = count(); }", DD, false);
        String ours = ours("tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[args.fd, args.count] = count(); }", DD, false);
        assertEquals(theirs, ours);
    }

    @Test
    void signalKillsTheTracedProcessAtItsFirstWrite() throws Exception {
        String program = "tracepoint:syscalls:sys_enter_write /pid == cpid/ { @writes = count(); signal(\"KILL\"); }";
        String theirs = bpftrace(program, DD, true);
        String ours = ours(program, DD, true);
        assertEquals(theirs, ours);
        assertTrue(ours.endsWith("@writes: 1\n"), ours);
    }

    @Test
    void systemRunsTheFormattedCommand() throws Exception {
        String program = "BEGIN { system(\"echo system %d %s\", 42, \"ran\"); printf(\"after\\n\"); exit(); }";
        String theirs = bpftrace(program, "/usr/bin/true", true);
        String ours = ours(program, "/usr/bin/true", true);
        assertEquals(theirs, ours);
        assertTrue(ours.contains("system 42 ran\nafter\n"), ours);
    }

    /**
     * {@code usdt:NAME} and {@code usdt::PROVIDER:NAME} without a file, with -p: the probes of the files the process
     * maps, named by the process's view of the file ({@code /proc/PID/root/...}), as bpftrace 0.17 prints them.
     */
    @Test
    void usdtWithoutAFileLooksInTheProcess() throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        String python = java.nio.file.Path.of("/usr/bin/python3").toRealPath().toString();
        Process py = new ProcessBuilder(python, "-S", "-c", "import gc, time\nwhile True:\n    gc.collect(); time.sleep(0.05)")
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(300);
            int pid = (int) py.pid();
            for (String program : List.of("usdt:gc__start /pid == " + pid + "/ { printf(\"%s %d\\n\", probe, arg0); exit(); }",
                    "usdt::python:gc__done /pid == " + pid + "/ { printf(\"%s\\n\", probe); exit(); }")) {
                Process p = new ProcessBuilder("bpftrace", "-p", Integer.toString(pid), "-e", program)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                p.getOutputStream().close();
                String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
                String ours = Runs.run(program, new CheckOptions(false, List.of()).withPid(pid), false, Duration.ofSeconds(20),
                        null, null).out();
                assertEquals(theirs, ours, program);
                assertTrue(ours.contains("usdt:/proc/" + pid + "/root/"), ours);
            }
        } finally {
            py.destroyForcibly();
        }
    }
}

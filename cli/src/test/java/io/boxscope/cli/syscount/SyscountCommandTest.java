package io.boxscope.cli.syscount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.Main;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@code boxscope syscount -p PID} against a child shell whose system calls are known: dash's
 * {@code read} builtin reads its line one byte per read(2) ("go\n": 3 calls) and {@code kill -0 $$}
 * is one kill(2). /usr/sbin/syscount (libbpf-tools) traces the same child at the same time (under
 * stdbuf -oL: it does not flush its banner, and the test must see it before starting the child).
 */
@KernelTest
class SyscountCommandTest {
    private static final int KILLS = 50;

    /** "name count" rows of a syscount table (the first block after the timestamp). */
    static Map<String, Long> table(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        boolean in = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("SYSCALL")) {
                in = true;
                continue;
            }
            if (in && line.isBlank()) {
                break;
            }
            if (in) {
                String[] f = line.trim().split("\\s+");
                out.put(f[0], Long.parseLong(f[1]));
            }
        }
        return out;
    }

    @Test
    void countsAChildsKnownSyscallsLikeLibbpfSyscount() throws Exception {
        Process child = new ProcessBuilder("/bin/dash", "-c",
                "read go; i=0; while [ $i -lt " + KILLS + " ]; do kill -0 $$; i=$((i+1)); done").start();
        String pid = Long.toString(child.pid());
        Process peer = new ProcessBuilder("stdbuf", "-oL", "/usr/sbin/syscount", "-p", pid, "-d", "10").redirectErrorStream(true).start();
        ByteArrayOutputStream mine = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(mine, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> ours = CompletableFuture.supplyAsync(
                () -> Main.run(new String[] {"syscount", "-p", pid, "-d", "10"}, out, out));
        try {
            BufferedReader peerOut = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String first = peerOut.readLine();
            assertTrue(first != null && first.startsWith("Tracing syscalls"), "libbpf syscount: " + first);
            long until = System.nanoTime() + 20_000_000_000L;
            while (!mine.toString(StandardCharsets.UTF_8).contains("Tracing syscalls") && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(mine.toString(StandardCharsets.UTF_8).contains("Tracing syscalls"), mine.toString(StandardCharsets.UTF_8));
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, (int) ours.get(30, TimeUnit.SECONDS), mine.toString(StandardCharsets.UTF_8));
            StringBuilder rest = new StringBuilder();
            for (String line = peerOut.readLine(); line != null; line = peerOut.readLine()) {
                rest.append(line).append('\n');
            }
            String peerText = rest.toString();
            assertTrue(peer.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, peer.exitValue(), "libbpf-tools syscount failed");
            String text = mine.toString(StandardCharsets.UTF_8);
            Map<String, Long> got = table(text);
            assertEquals(KILLS, got.get("kill"), text);
            assertEquals(3, got.get("read"), text);
            assertEquals(table(peerText), got, "boxscope:\n" + text + "\nlibbpf-tools syscount:\n" + peerText);
        } finally {
            child.destroyForcibly();
            peer.destroyForcibly();
        }
    }

    @Test
    void jsonAndProcessModeOnTheSameWorkload() throws Exception {
        Process child = new ProcessBuilder("/bin/dash", "-c",
                "read go; i=0; while [ $i -lt " + KILLS + " ]; do kill -0 $$; i=$((i+1)); done").start();
        String pid = Long.toString(child.pid());
        ByteArrayOutputStream mine = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(mine, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> ours = CompletableFuture.supplyAsync(
                () -> Main.run(new String[] {"syscount", "--pid", pid, "-P", "-L", "-d", "8", "--json"}, out, out));
        try {
            Thread.sleep(3000); // JSON mode prints no banner; attach takes well under a second, even loaded
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, (int) ours.get(30, TimeUnit.SECONDS), mine.toString(StandardCharsets.UTF_8));
            String json = mine.toString(StandardCharsets.UTF_8).strip();
            Map<String, Object> o = io.boxscope.proc.json.Json.asObject(io.boxscope.proc.json.Json.parse(json));
            var procs = io.boxscope.proc.json.Json.asList(o.get("processes"));
            assertEquals(1, procs.size(), json);
            Map<String, Object> p = io.boxscope.proc.json.Json.asObject(procs.get(0));
            assertEquals(Long.parseLong(pid), ((Number) p.get("pid")).longValue());
            assertEquals("dash", p.get("comm"));
            // -L counts a call only if its entry was seen: the first read(2) was already blocked at attach
            assertEquals(KILLS + 2L, ((Number) p.get("count")).longValue(), json);
            assertTrue(((Number) p.get("total_ns")).longValue() > 0, json);
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * A negative -i or -T and a -d below 1 are refused as /usr/sbin/syscount refuses them, with its
     * first line after "boxscope: " (exit 2, ours for usage, where argp exits 64); -i 0 is the peer's
     * "infinite wait": with -d 1 both print exactly one summary, at the end, and exit 0.
     */
    @Test
    void numbersInAndOutOfRangeLikeLibbpfSyscount() throws Exception {
        for (List<String> args : List.of(List.of("-i", "-1"), List.of("-T", "-1"), List.of("-d", "-1"), List.of("-d", "0"))) {
            Run peer = peer(args);
            assertNotEquals(0, peer.exit(), "libbpf-tools syscount " + args + " ran:\n" + peer.text());
            Run ours = ours(args);
            assertEquals(2, ours.exit(), args + ": " + ours.text());
            assertEquals("boxscope: " + peer.text().lines().findFirst().orElseThrow(),
                    ours.text().lines().findFirst().orElseThrow(), args.toString());
        }
        List<String> zero = List.of("-i", "0", "-d", "1", "-T", "1");
        Run peer = peer(zero);
        Run ours = ours(zero);
        assertEquals(0, peer.exit(), peer.text());
        assertEquals(0, ours.exit(), ours.text());
        assertEquals(1, summaries(peer.text()), peer.text());
        assertEquals(summaries(peer.text()), summaries(ours.text()), "boxscope:\n" + ours.text() + "\nlibbpf-tools:\n" + peer.text());
    }

    private record Run(int exit, String text) {
    }

    private static Run peer(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/syscount"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), text);
    }

    private static Run ours(List<String> args) {
        List<String> command = new ArrayList<>(List.of("syscount"));
        command.addAll(args);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream s = new PrintStream(b, true, StandardCharsets.UTF_8);
        int exit = Main.run(command.toArray(String[]::new), s, s);
        return new Run(exit, b.toString(StandardCharsets.UTF_8));
    }

    private static long summaries(String text) {
        return text.lines().filter(l -> l.startsWith("SYSCALL")).count();
    }

    @Test
    void usageErrors() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream s = new PrintStream(b, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"syscount", "-e", "ENOPE"}, s, s));
        assertTrue(b.toString(StandardCharsets.UTF_8).contains("invalid errno"));
        assertEquals(io.boxscope.cli.ExitCode.FAILURE, Main.run(new String[] {"syscount", "-c", "/nonexistent/cgroup"}, s, s)); // docs/cli.md
        assertEquals(0, Main.run(new String[] {"syscount", "-l"}, s, s));
        assertTrue(b.toString(StandardCharsets.UTF_8).contains("257: openat"));
    }
}

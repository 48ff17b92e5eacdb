package io.boxscope.cli.syscount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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

    @Test
    void usageErrors() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream s = new PrintStream(b, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"syscount", "-e", "ENOPE"}, s, s));
        assertTrue(b.toString(StandardCharsets.UTF_8).contains("invalid errno"));
        assertEquals(2, Main.run(new String[] {"syscount", "-c", "/nonexistent/cgroup"}, s, s));
        assertEquals(0, Main.run(new String[] {"syscount", "-l"}, s, s));
        assertTrue(b.toString(StandardCharsets.UTF_8).contains("257: openat"));
    }
}

package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.output.StacksUnread;
import io.boxscope.proc.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack bpf_get_stackid could not store prints empty, as in bpftrace 0.17, and is counted by errno for the run's
 * notice. The collision is forced: with one stack key ({@code withStackKeys(1)}) the stack trace map has one bucket
 * (kernel/bpf/stackmap.c: n_buckets = roundup_pow_of_two(max_entries), id = hash &amp; (n_buckets - 1)), so the first
 * stack stored holds it, and a different stack gets -EEXIST (no BPF_F_REUSE_STACKID). A syscall's entry and exit are
 * reached by different kernel paths, so their stacks differ.
 */
@KernelTest
class StacksUnreadKernelTest {

    @Test
    void aStackMapBucketCollisionIsCountedAsEexist() throws Exception {
        CheckOptions oneKey = new CheckOptions(false, List.of()).withStackKeys(1);
        Runs.Result r = Runs.run("tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @a = kstack; }"
                + " tracepoint:raw_syscalls:sys_exit /pid == cpid/ { @b = kstack; }", oneKey, false, Duration.ofSeconds(20),
                null, "/usr/bin/sleep 0");
        String out = r.out();
        // each map holds the stack of its probe's last event: one of the two kinds of stack owns the only bucket
        // (a stack prints as a newline and its indented frames; an empty one as nothing)
        boolean aEmpty = java.util.regex.Pattern.compile("(?m)^@a: \n(?! )").matcher(out).find();
        boolean bEmpty = java.util.regex.Pattern.compile("(?m)^@b: \n(?! )").matcher(out).find();
        assertTrue(out.contains("@a: \n") && out.contains("@b: \n"), "both maps print:\n" + out);
        assertTrue(aEmpty != bEmpty, "exactly one of the two stacks could not be stored:\n" + out);
        assertEquals(Map.of(17, 1L), r.stacksUnread().orElseThrow(() -> new AssertionError("no count:\n" + out)).byErrno(),
                "the one empty stack printed, counted as EEXIST:\n" + out);
    }

    @Test
    void aNegativeIdIsCountedByItsErrnoAndPrintsEmpty(@TempDir Path proc) {
        Stacks stacks = new Stacks(null, proc);
        assertEquals(List.of(), stacks.frames(-17, false, 0, 127, false));
        assertEquals(List.of(), stacks.frames(-14, true, 1, 127, false));
        assertEquals(List.of(), stacks.frames(-17, false, 0, 5, false));
        StacksUnread u = stacks.stacksUnread().orElseThrow();
        assertEquals(Map.of(14, 1L, 17, 2L), u.byErrno());
        assertEquals(3, u.stacks());
    }

    @Test
    void theNoticeInTextAndJson() {
        StacksUnread u = new StacksUnread(Map.of(17, 2L, 14, 1L));
        assertEquals("3 stacks printed empty because they could not be read: 1 EFAULT (no stack to walk, e.g. ustack in a kernel"
                + " thread), 2 EEXIST (another stack held the id's bucket of the stack map); the stack maps hold 131072 stacks, or BPFTRACE_MAP_KEYS_MAX if"
                + " larger: raise BPFTRACE_MAP_KEYS_MAX\n",
                Output.text().stacksUnread(u));
        assertEquals("1 stack printed empty because it could not be read: 1 ENOMEM (the stack map had no free entry); the stack maps hold 131072 stacks,"
                + " or BPFTRACE_MAP_KEYS_MAX if larger: raise BPFTRACE_MAP_KEYS_MAX\n",
                Output.text().stacksUnread(new StacksUnread(Map.of(12, 1L))));
        String json = Output.json().stacksUnread(u);
        assertTrue(json.endsWith("}\n") && json.indexOf('\n') == json.length() - 1, json);
        assertEquals(Map.of("type", "stacks_unread", "data", Map.of("stacks", 3L, "errors", Map.of("eexist", 2L, "efault", 1L))),
                Json.parse(json));
        // the words another command uses: its own size and option
        assertEquals("1 stack shown empty because it could not be read: 1 EEXIST (another stack held the id's bucket of the"
                + " stack map); the stack map holds 4096 stacks: raise --stack-storage-size",
                new StacksUnread(Map.of(17, 1L)).sentence(StacksUnread.Advice.option(4096, "--stack-storage-size")));
        assertEquals(Map.of("stacks", 3L, "errors", Map.of("eexist", 2L, "efault", 1L)), u.json());
        // no advice when the map's size is not why; a tool's count leaves out the EFAULTs of threads without such a stack
        assertEquals("1 stack shown empty because it could not be read: 1 ENOENT (the id was not in the stack map when read)",
                new StacksUnread(Map.of(2, 1L)).sentence(StacksUnread.Advice.option(1, "--stack-storage-size")));
        assertEquals(Map.of(17, 2L), u.lost().orElseThrow().byErrno());
        assertTrue(new StacksUnread(Map.of(14, 5L)).lost().isEmpty());
        assertEquals(Map.of("stacks", 4L, "errors", Map.of("errno_99", 4L)), new StacksUnread(Map.of(99, 4L)).json());
    }
}

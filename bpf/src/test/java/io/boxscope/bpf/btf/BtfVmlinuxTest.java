package io.boxscope.bpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The live kernel's BTF, parsed by us and dumped by bpftool, must agree line for line. */
@KernelTest
class BtfVmlinuxTest {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    static List<String> bpftool;
    static Btf btf;

    @BeforeAll
    static void load() throws Exception {
        Requirements.require(Files.isReadable(VMLINUX), "kernel BTF at " + VMLINUX + " (CONFIG_DEBUG_INFO_BTF)");
        bpftool = run("bpftool", "btf", "dump", "file", VMLINUX.toString(), "format", "raw");
        btf = Btf.vmlinux(Path.of("/sys"));
    }

    static List<String> run(String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("boxscope-bpftool", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bpftool finished");
            Requirements.require(p.exitValue() == 0, "bpftool (Debian package bpftool) exited " + p.exitValue());
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void everyTypeMatchesBpftoolRawDump() throws Exception {
        List<String> ours = new ArrayList<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            ours.addAll(BpftoolRaw.render(btf, id));
        }
        assertEquals(bpftool.size(), ours.size(), "line count of the raw dump");
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(bpftool.get(i), ours.get(i), "raw dump line " + (i + 1));
        }
    }

    /** {@code task_struct.pid}'s offset, found in bpftool's own output (not ours). */
    @Test
    void taskStructPidOffsetEqualsBpftool() throws Exception {
        Pattern head = Pattern.compile("^\\[(\\d+)] STRUCT 'task_struct' size=(\\d+) vlen=(\\d+)$");
        Pattern pid = Pattern.compile("^\\t'pid' type_id=(\\d+) bits_offset=(\\d+)$");
        int structId = -1;
        long bits = -1;
        int typeId = -1;
        for (String l : bpftool) {
            Matcher h = head.matcher(l);
            if (h.matches()) {
                structId = Integer.parseInt(h.group(1));
                continue;
            }
            if (structId > 0 && l.startsWith("[")) {
                break;
            }
            Matcher m = pid.matcher(l);
            if (structId > 0 && m.matches()) {
                typeId = Integer.parseInt(m.group(1));
                bits = Long.parseLong(m.group(2));
            }
        }
        assertTrue(structId > 0 && bits >= 0, "bpftool printed task_struct.pid");
        MemberLocation loc = btf.member("task_struct.pid");
        assertEquals(structId, loc.containerId());
        assertEquals(bits, loc.bitOffset());
        assertEquals(bits / 8, loc.byteOffset());
        assertEquals(typeId, loc.typeId());
        assertEquals("pid_t", btf.typeName(loc.typeId()));
        assertEquals(structId, btf.findId("task_struct", BtfKind.STRUCT).orElseThrow());
    }

    @Test
    void nestedAnonymousMembersAndBitfields() throws Exception {
        // skc_dport sits in an anonymous struct inside an anonymous union of struct sock_common.
        MemberLocation dport = btf.member("sock.__sk_common.skc_dport");
        MemberLocation common = btf.member("sock.__sk_common");
        MemberLocation inCommon = btf.member("sock_common.skc_dport");
        assertEquals(common.bitOffset() + inCommon.bitOffset(), dport.bitOffset());
        assertEquals("__be16", btf.typeName(dport.typeId()));
        assertEquals(0, btf.member("sock.__sk_common").bitOffset());
        // skc_dport's offset is the sum over the anonymous chain bpftool shows for sock_common.
        assertEquals(sumAnonChain("sock_common", "skc_dport"), inCommon.bitOffset());

        MemberLocation bf = btf.member("task_struct.sched_reset_on_fork");
        assertTrue(bf.isBitfield());
        assertEquals(1, bf.bitfieldSize());
    }

    /** Independent walk over bpftool's text: DFS through '(anon)' members. */
    private static long sumAnonChain(String struct, String member) {
        int id = -1;
        for (String l : bpftool) {
            if (l.matches("^\\[\\d+] STRUCT '" + struct + "' .*")) {
                id = Integer.parseInt(l.substring(1, l.indexOf(']')));
                break;
            }
        }
        Long r = walk(id, member, 0);
        assertTrue(r != null, member + " found in bpftool's " + struct);
        return r;
    }

    private static Long walk(int id, String member, int depth) {
        List<String[]> members = membersOf(id);
        for (String[] m : members) {
            if (m[0].equals(member)) {
                return Long.parseLong(m[2]);
            }
        }
        for (String[] m : members) {
            if (m[0].equals("(anon)") && depth < 5) {
                Long sub = walk(Integer.parseInt(m[1]), member, depth + 1);
                if (sub != null) {
                    return Long.parseLong(m[2]) + sub;
                }
            }
        }
        return null;
    }

    private static List<String[]> membersOf(int id) {
        List<String[]> out = new ArrayList<>();
        Pattern mp = Pattern.compile("^\\t'([^']*)' type_id=(\\d+) bits_offset=(\\d+).*");
        boolean in = false;
        for (String l : bpftool) {
            if (l.startsWith("[" + id + "] ")) {
                in = l.contains(" STRUCT ") || l.contains(" UNION ");
                continue;
            }
            if (in && l.startsWith("[")) {
                break;
            }
            Matcher m = mp.matcher(l);
            if (in && m.matches()) {
                out.add(new String[] {m.group(1), m.group(2), m.group(3)});
            }
        }
        return out;
    }

    @Test
    void schedSwitchRawTracepointPrototype() throws Exception {
        int id = btf.rawTracepointTypeId("sched_switch").orElseThrow();
        assertTrue(bpftool.contains("[" + id + "] TYPEDEF 'btf_trace_sched_switch' type_id=" + (id + 1))
                || bpftool.stream().anyMatch(l -> l.startsWith("[" + id + "] TYPEDEF 'btf_trace_sched_switch' ")));
        FuncSignature s = btf.rawTracepointSignature("sched_switch");
        assertEquals("void", s.returnType());
        assertEquals(List.of("bool", "struct task_struct *", "struct task_struct *", "unsigned int"),
                s.params().stream().map(FuncSignature.Arg::type).toList());
        FuncSignature full = btf.signature(id);
        assertEquals("void *", full.params().getFirst().type());
        List<String> tps = btf.rawTracepoints();
        assertTrue(tps.contains("sched_switch") && tps.contains("sys_enter"), "raw tracepoints include sched_switch, sys_enter");
        assertFalse(tps.contains("sys_enter_openat"), "syscall events are not raw tracepoints");
    }

    @Test
    void lookupsByNameAndKind() throws Exception {
        assertTrue(btf.findId("task_struct", BtfKind.UNION).isEmpty());
        assertTrue(btf.findId("no_such_type_boxscope", BtfKind.STRUCT).isEmpty());
        int f = btf.findId("schedule", BtfKind.FUNC).orElseThrow();
        assertEquals("schedule", btf.name(f));
        assertTrue(btf.findIds("task_struct").contains(btf.requireId("task_struct", BtfKind.STRUCT)));
        assertTrue(btf.findId(".data..percpu", BtfKind.DATASEC).isPresent(), "the per-CPU DATASEC");
        assertEquals(8, btf.sizeOf(btf.requireId("u64", BtfKind.TYPEDEF)));
    }
}

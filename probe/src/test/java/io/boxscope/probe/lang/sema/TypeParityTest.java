package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Types against bpftrace 0.17 on this machine: one probe assigns many expressions to variables; bpftrace -d
 * prints each variable's type after its semantic pass; ours must be the same (bpftrace's
 * {@code unsigned int64} is our {@code uint64}).
 */
@KernelTest
class TypeParityTest {
    static final String PROGRAM = "tracepoint:syscalls:sys_enter_openat { $a=pid; $b=tid; $c=uid; $d=gid; $e=nsecs; "
            + "$f=elapsed; $g=cpu; $h=comm; $i=kstack; $j=ustack; $k=probe; $n=args->filename; $o=args->flags; "
            + "$p=args->mode; $q=cgroup; $r=curtask; $s=rand; $t=username; $u=str(args->filename); $v=ksym(1); $w=usym(1); "
            + "$x=kaddr(\"do_sys_open\"); $y=ntop(1); $z=buf(args->filename, 4); $aa=strftime(\"%H\", nsecs); "
            + "$ab=(1,\"x\",comm); $ac = sizeof(int32); $ae = 1 > 2; $af=1; $ag=-1; $ai = (uint8)1 + (int16)2; "
            + "$aj = str(args->filename, 8); $am = kstack(perf, 3); $an = ustack(3); $ap = (int8)1 * (uint32)5; "
            + "$ar = (int32)-1 < 5; $au = (struct task_struct*)curtask; $av = $au->pid; $aw=$au->comm; $ax = $au->mm; "
            + "$ay = $ab.1; $az = kstack(3); $ba = curtask->real_parent->pid; $bb = $au->se.vruntime; "
            + "$bc = (uint16)65537; $bd = -$a; $be = !$a; $bf = ~$a; $bg = $a ? 1 : 2; $bh = $a & 0xff; $bi = $a << 2; "
            + "$bj = (int64)$a / 3; $bk = args->dfd; $bl = $au->flags; $bm = $au->cpus_ptr; "
            + "$bp = (int32)$bk; $bq = $au->real_parent; }";

    @Test
    void variableTypesMatchBpftrace() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/bpftrace")), "bpftrace is not installed");
        Process p = new ProcessBuilder("/usr/bin/bpftrace", "-d", "-e", PROGRAM).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        int sem = out.indexOf("AST after: Semantic");
        assertTrue(sem > 0, out);
        Map<String, String> theirs = new TreeMap<>();
        Matcher m = Pattern.compile("variable: \\$(\\w+) :: type\\[(.+?), ctx:").matcher(out.substring(sem));
        while (m.find()) {
            theirs.put(m.group(1), m.group(2).replace("unsigned int", "uint").replace("(ctx) ", ""));
        }
        SourceText src = new SourceText("stdin", PROGRAM);
        CheckedProgram cp = Analyzer.check(src, ProgramParser.parse(src), LiveKernel.of(Path.of("/sys")), CheckOptions.defaults());
        Map<String, String> ours = new TreeMap<>();
        cp.probes().getFirst().variables().forEach((k, v) -> ours.put(k, v.display()));
        assertEquals(theirs, ours);
    }
}

package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory and name system calls get the events sysdig's driver records for them (libs e5c53d64's syscall table:
 * CHDIR, FCHDIR, MKDIR_2, MKDIRAT, RMDIR_2, UNLINK_2, UNLINKAT_2, RENAME, RENAMEAT, RENAMEAT2), not generic ones:
 * a perl child makes exactly {@link #N} of each (through syscall(2) with this machine's numbers; the calls the
 * architecture lacks, such as mkdir or rename on arm64 and renameat on riscv64, are replaced by their *at or
 * renameat2 forms), each checked by the child, under
 * {@code trace -w}. {@code sysdig -r} prints each call under its own name with its path and result, as many as were
 * made, and our reader prints the same lines. chdir's path moves the cwd: a relative open after it is named in the
 * new directory by sysdig (with generic chdir events sysdig kept the old cwd).
 */
@KernelTest
class LiveWriteChdirTest {
    private static final int N = 3;
    private static final int AT_FDCWD = -100;

    @Test
    void directoryCallsHaveTheirOwnEventsAndMoveTheCwd(@TempDir Path dir) throws Exception {
        String d = dir.toRealPath().toString();
        boolean mkdir = WrittenCapture.nr("mkdir") >= 0;
        boolean rmdir = WrittenCapture.nr("rmdir") >= 0;
        boolean unlink = WrittenCapture.nr("unlink") >= 0;
        boolean rename = WrittenCapture.nr("rename") >= 0;
        // riscv64 and loongarch64 have neither rename nor renameat (include/uapi/asm-generic/unistd.h lists only
        // renameat2 for new architectures): renameat2 with no flags takes their place
        boolean renameat = WrittenCapture.nr("renameat") >= 0;
        StringBuilder body = new StringBuilder("sub sc { my ($n, @a) = @_; my $r = syscall($n, @a); die \"syscall $_[0]: $!\" if $r < 0; $r } ")
                .append("my $D = '").append(d).append("'; open(my $h, '<', $D) or die \"dir: $!\"; ")
                .append("for my $i (1..").append(N).append(") { ");
        body.append(mkdir ? "sc(" + WrittenCapture.nr("mkdir") + ", \"$D/a$i\", 0755); "
                : "sc(" + WrittenCapture.nr("mkdirat") + ", " + AT_FDCWD + ", \"$D/a$i\", 0755); ");
        body.append("sc(").append(WrittenCapture.nr("mkdirat")).append(", ").append(AT_FDCWD).append(", \"$D/b$i\", 0700); ");
        body.append("sc(").append(WrittenCapture.nr("chdir")).append(", \"$D/a$i\"); ");
        body.append("open(my $x, '<', 'x'); ");
        body.append("sc(").append(WrittenCapture.nr("fchdir")).append(", fileno($h)); ");
        body.append("open(my $y, '<', 'y'); ");
        body.append(rmdir ? "sc(" + WrittenCapture.nr("rmdir") + ", \"$D/a$i\"); "
                : "sc(" + WrittenCapture.nr("unlinkat") + ", " + AT_FDCWD + ", \"$D/a$i\", 512); ");
        body.append("sc(").append(WrittenCapture.nr("unlinkat")).append(", ").append(AT_FDCWD).append(", \"$D/b$i\", 512); ");
        body.append("open(my $f, '>', \"$D/f$i\") or die \"create: $!\"; close($f); ");
        body.append(rename ? "sc(" + WrittenCapture.nr("rename") + ", \"$D/f$i\", \"$D/g$i\"); " : renameAt(renameat, "f", "g"));
        body.append(renameAt(renameat, "g", "h"));
        body.append("sc(").append(WrittenCapture.nr("renameat2")).append(", ").append(AT_FDCWD).append(", \"$D/h$i\", ")
                .append(AT_FDCWD).append(", \"$D/k$i\", 1); ");
        body.append(unlink ? "sc(" + WrittenCapture.nr("unlink") + ", \"$D/k$i\"); "
                : "sc(" + WrittenCapture.nr("unlinkat") + ", " + AT_FDCWD + ", \"$D/k$i\", 0); ");
        body.append("} ");
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("dirs.scap"), Workload.perl(body.toString()));
        List<String> calls = r.calls();
        String all = String.join("\n", calls);
        String cwdfd = "-100(AT_FDCWD)";
        for (int i = 1; i <= N; i++) {
            String a = d + "/a" + i;
            String b = d + "/b" + i;
            String k = d + "/k" + i;
            List<String> expected = new java.util.ArrayList<>();
            expected.add(mkdir ? "< mkdir res=0 path=" + a + " " : "< mkdirat res=0 dirfd=" + cwdfd + " path=" + a + " mode=1ED ");
            // mode as the driver writes it: the caller's 0700, in hex
            expected.add("< mkdirat res=0 dirfd=" + cwdfd + " path=" + b + " mode=" + Integer.toHexString(0700).toUpperCase() + " ");
            expected.add("< chdir res=0 path=" + a + " ");
            // the relative open after chdir is named in the new cwd, after fchdir in the directory of fd 3
            expected.add("< openat fd=-2(ENOENT) dirfd=" + cwdfd + " name=x(" + a + "/x) flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=0 ");
            expected.add(rmdir ? "< rmdir res=0 path=" + a + " "
                    : "< unlinkat res=0 dirfd=" + cwdfd + " name=" + a + " flags=512(AT_REMOVEDIR) ");
            expected.add("< unlinkat res=0 dirfd=" + cwdfd + " name=" + b + " flags=512(AT_REMOVEDIR) ");
            expected.add(rename ? "< rename res=0 oldpath=" + d + "/f" + i + " newpath=" + d + "/g" + i + " "
                    : renamedAt(renameat, d + "/f" + i, d + "/g" + i));
            expected.add(renamedAt(renameat, d + "/g" + i, d + "/h" + i));
            expected.add("< renameat2 res=0 olddirfd=" + cwdfd + " oldpath=" + d + "/h" + i + " newdirfd=" + cwdfd + " newpath=" + k
                    + " flags=1(RENAME_NOREPLACE) ");
            expected.add(unlink ? "< unlink res=0 path=" + k + " " : "< unlinkat res=0 dirfd=" + cwdfd + " name=" + k + " flags=0 ");
            for (String line : expected) {
                assertEquals(1, count(calls, line), "once: " + line + "\n" + all);
            }
        }
        // the entries: exactly N each (mkdir's mode is 0 as the driver writes it, fchdir names its fd)
        assertEquals(N, count(calls, "> chdir "), all);
        assertEquals(N, count(calls, "> fchdir fd=3(<f>" + d + ") "), all);
        assertEquals(N, count(calls, "< fchdir res=0 "), all);
        assertEquals(N, count(calls, "< openat fd=-2(ENOENT) dirfd=" + cwdfd + " name=y(" + d + "/y) flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=0 "), all);
        if (mkdir) {
            assertEquals(N, count(calls, "> mkdir mode=0 "), all);
        }
        for (String name : List.of("mkdirat", "unlinkat", "renameat", "renameat2")) {
            int each = switch (name) {
                case "mkdirat" -> mkdir ? N : 2 * N;
                case "unlinkat" -> N + (rmdir ? 0 : N) + (unlink ? 0 : N);
                case "renameat" -> !renameat ? 0 : rename ? N : 2 * N;
                default -> renameat ? N : rename ? 2 * N : 3 * N;
            };
            assertEquals(each, count(calls, "> " + name + " "), name + "\n" + all);
            assertEquals(each, calls.stream().filter(l -> l.startsWith("< " + name + " res=0 ")).count(), name + "\n" + all);
        }
        // no generic event for any of them
        assertEquals(0, calls.stream().filter(l -> l.startsWith("> syscall") || l.startsWith("< syscall")).count(), all);
    }

    /** The perl call renaming {@code $D/FROM$i} to {@code $D/TO$i}: renameat, or renameat2 without flags where there is no renameat. */
    private static String renameAt(boolean renameat, String from, String to) {
        return renameat ? "sc(" + WrittenCapture.nr("renameat") + ", " + AT_FDCWD + ", \"$D/" + from + "$i\", " + AT_FDCWD + ", \"$D/" + to + "$i\"); "
                : "sc(" + WrittenCapture.nr("renameat2") + ", " + AT_FDCWD + ", \"$D/" + from + "$i\", " + AT_FDCWD + ", \"$D/" + to + "$i\", 0); ";
    }

    /** sysdig's exit line for {@link #renameAt}. */
    private static String renamedAt(boolean renameat, String from, String to) {
        String at = "res=0 olddirfd=-100(AT_FDCWD) oldpath=" + from + " newdirfd=-100(AT_FDCWD) newpath=" + to + " ";
        return renameat ? "< renameat " + at : "< renameat2 " + at + "flags=0 ";
    }

    private static long count(List<String> lines, String line) {
        return lines.stream().filter(l -> l.equals(line)).count();
    }
}

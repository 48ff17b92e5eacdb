package io.boxscope.bpf.syscalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.tracefs.EventFormatParser;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.bpf.tracefs.TracefsException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The signature table built from format files captured on an x86_64 6.18 kernel (test resources
 * {@code syscalls/root}, a tracefs tree with 38 of its {@code sys_enter_*} directories). Expectations are the
 * kernel's declarations (SYSCALL_DEFINEn in fs/read_write.c, net/socket.c, ...), typed here from the man pages.
 */
class SyscallSignatureParserTest {
    static SyscallSignatures sigs;

    @BeforeAll
    static void read() throws Exception {
        Path root = Path.of(SyscallSignatureParserTest.class.getResource("/io/boxscope/bpf/syscalls/root").toURI());
        sigs = SyscallSignatures.read(Tracefs.at(root), SyscallTable.of(Arch.X86_64));
    }

    static SyscallSignature sig(String name) {
        return sigs.byName(name).orElseThrow(() -> new AssertionError("no " + name));
    }

    static void arg(SyscallSignature s, int i, String name, String type, int size, boolean signed, ArgKind kind, int len) {
        assertEquals(new SyscallArg(i, name, type, size, signed, kind, len), s.args().get(i), s.name() + " arg " + i);
    }

    @Test
    void everyCapturedFormatIsNamedAndNumbered() {
        assertEquals(List.of(), sigs.problems());
        assertEquals(38, sigs.all().stream().filter(SyscallSignature::hasFormat).count());
        assertEquals(0, sig("read").nr());
        assertEquals(257, sig("openat").nr());
        assertEquals(451, sig("cachestat").nr());
        assertEquals(469, sig("file_setattr").nr());
        assertFalse(sig("close").hasFormat(), "close's format was not captured: numbered, arguments unknown");
        assertEquals(3, sigs.of(3).orElseThrow().nr());
        assertTrue(sigs.of(-1).isEmpty());
        assertTrue(sigs.of(100_000).isEmpty());
    }

    @Test
    void readWriteAndTheirBuffers() {
        SyscallSignature read = sig("read");
        assertEquals(3, read.args().size());
        arg(read, 0, "fd", "unsigned int", 4, false, ArgKind.FD, -1);
        arg(read, 1, "buf", "char *", 8, false, ArgKind.BUFFER, 2);
        arg(read, 2, "count", "size_t", 8, false, ArgKind.INTEGER, -1);
        assertFalse(read.args().get(1).isInput());
        SyscallSignature write = sig("write");
        arg(write, 1, "buf", "const char *", 8, false, ArgKind.BUFFER, 2);
        assertTrue(write.args().get(1).isInput());
        arg(sig("pread64"), 3, "pos", "loff_t", 8, true, ArgKind.INTEGER, -1);
        arg(sig("getcwd"), 0, "buf", "char *", 8, false, ArgKind.BUFFER, 1);
        arg(sig("setxattr"), 1, "name", "const char *", 8, false, ArgKind.STRING, -1);
        arg(sig("setxattr"), 2, "value", "const void *", 8, false, ArgKind.BUFFER, 3);
        arg(sig("readlink"), 0, "path", "const char *", 8, false, ArgKind.PATH, -1);
        arg(sig("readlink"), 1, "buf", "char *", 8, false, ArgKind.BUFFER, 2);
    }

    @Test
    void pathsFlagsModesAndDescriptors() {
        SyscallSignature openat = sig("openat");
        arg(openat, 0, "dfd", "int", 4, true, ArgKind.FD, -1);
        arg(openat, 1, "filename", "const char *", 8, false, ArgKind.PATH, -1);
        arg(openat, 2, "flags", "int", 4, true, ArgKind.FLAGS, -1);
        arg(openat, 3, "mode", "umode_t", 2, false, ArgKind.MODE, -1);
        assertEquals(-100, openat.args().get(0).decode(0xffff_ff9cL), "AT_FDCWD from a 32-bit register");
        assertEquals(-100, openat.args().get(0).decode(-100L));
        assertEquals(0644, openat.args().get(3).decode(0xdead_0000_0000_01a4L));
        SyscallSignature execve = sig("execve");
        arg(execve, 0, "filename", "const char *", 8, false, ArgKind.PATH, -1);
        arg(execve, 1, "argv", "const char *const *", 8, false, ArgKind.POINTER, -1);
        arg(sig("renameat2"), 0, "olddfd", "int", 4, true, ArgKind.FD, -1);
        arg(sig("renameat2"), 3, "newname", "const char *", 8, false, ArgKind.PATH, -1);
        arg(sig("renameat2"), 4, "flags", "unsigned int", 4, false, ArgKind.FLAGS, -1);
        arg(sig("dup2"), 1, "newfd", "unsigned int", 4, false, ArgKind.FD, -1);
        arg(sig("mq_open"), 0, "u_name", "const char *", 8, false, ArgKind.STRING, -1);
        arg(sig("mq_open"), 1, "oflag", "int", 4, true, ArgKind.FLAGS, -1);
        arg(sig("ioctl"), 1, "cmd", "unsigned int", 4, false, ArgKind.INTEGER, -1);
        arg(sig("mmap"), 4, "fd", "unsigned long", 8, false, ArgKind.FD, -1);
        arg(sig("splice"), 0, "fd_in", "int", 4, true, ArgKind.FD, -1);
    }

    @Test
    void socketAddressesWithTheirLengths() {
        SyscallSignature connect = sig("connect");
        arg(connect, 1, "uservaddr", "struct sockaddr *", 8, false, ArgKind.SOCKADDR, 2);
        arg(connect, 2, "addrlen", "int", 4, true, ArgKind.INTEGER, -1);
        arg(sig("accept"), 1, "upeer_sockaddr", "struct sockaddr *", 8, false, ArgKind.SOCKADDR, 2);
        arg(sig("accept"), 2, "upeer_addrlen", "int *", 8, false, ArgKind.POINTER, -1);
        arg(sig("accept4"), 3, "flags", "int", 4, true, ArgKind.FLAGS, -1);
        arg(sig("bind"), 1, "umyaddr", "struct sockaddr *", 8, false, ArgKind.SOCKADDR, 2);
        arg(sig("sendto"), 1, "buff", "void *", 8, false, ArgKind.BUFFER, 2);
        arg(sig("sendto"), 4, "addr", "struct sockaddr *", 8, false, ArgKind.SOCKADDR, 5);
        arg(sig("getsockname"), 2, "usockaddr_len", "int *", 8, false, ArgKind.POINTER, -1);
    }

    @Test
    void idsSignalsAndRenamedTracepoints() {
        arg(sig("kill"), 0, "pid", "pid_t", 4, true, ArgKind.PID, -1);
        arg(sig("kill"), 1, "sig", "int", 4, true, ArgKind.SIGNAL, -1);
        arg(sig("tgkill"), 1, "pid", "pid_t", 4, true, ArgKind.PID, -1);
        arg(sig("setuid"), 0, "uid", "uid_t", 4, false, ArgKind.UID, -1);
        arg(sig("setgid"), 0, "gid", "gid_t", 4, false, ArgKind.GID, -1);
        arg(sig("capget"), 0, "header", "cap_user_header_t", 8, false, ArgKind.POINTER, -1);
        assertEquals(0, sig("getpid").args().size());
        assertTrue(sig("getpid").hasFormat());
        // tracepoints named after SYSCALL_DEFINE, not after the syscall
        assertEquals("newfstat", sig("fstat").event());
        assertEquals(5, sig("fstat").nr());
        assertEquals("umount", sig("umount2").event());
        assertEquals("sendfile64", sig("sendfile").event());
        assertEquals("newuname", sig("uname").event());
    }

    @Test
    void hostileFormatsAreRefusedWithAReason() throws Exception {
        String noNr = "name: sys_enter_bogus\nID: 1\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
                + "\tfield:int fd;\toffset:16;\tsize:8;\tsigned:0;\n\nprint fmt: \"\"\n";
        TracefsException e = assertThrows(TracefsException.class, () -> SyscallSignatureParser.parse(EventFormatParser.parse(noNr)));
        assertTrue(e.getMessage().contains("__syscall_nr"), e.getMessage());
        StringBuilder seven = new StringBuilder("name: sys_enter_seven\nID: 2\nformat:\n\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n");
        for (int i = 0; i < 7; i++) {
            seven.append("\tfield:long a").append(i).append(";\toffset:").append(16 + 8 * i).append(";\tsize:8;\tsigned:0;\n");
        }
        e = assertThrows(TracefsException.class, () -> SyscallSignatureParser.parse(EventFormatParser.parse(seven.toString())));
        assertTrue(e.getMessage().contains("at most 6"), e.getMessage());
        e = assertThrows(TracefsException.class, () -> SyscallSignatureParser.eventName(EventFormatParser.parse(noNr.replace("sys_enter_bogus", "sched_switch"))));
        assertTrue(e.getMessage().contains("sys_enter_"), e.getMessage());
        // a format the table cannot number is reported, not dropped
        SyscallSignatures s = SyscallSignatures.of(SyscallTable.of(Arch.X86_64),
                List.of(EventFormatParser.parse(noNr.replace("bogus", "from_the_future").replace("int fd", "int __syscall_nr"))), List.of());
        assertEquals(1, s.problems().size());
        assertTrue(s.problems().get(0).contains("from_the_future"), s.problems().get(0));
    }
}

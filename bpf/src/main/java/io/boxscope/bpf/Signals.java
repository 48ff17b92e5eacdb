package io.boxscope.bpf;

import java.util.List;

/**
 * Linux signal numbers 1..31 as every architecture in {@link io.boxscope.bpf.sys.Arch} numbers them (x86_64's
 * arch/x86/include/uapi/asm/signal.h, asm-generic/signal.h for arm64, riscv64 and loongarch64, and s390's and
 * powerpc's asm/signal.h all give SIGHUP 1 … SIGSYS 31; mips, sparc, alpha and parisc differ): their names
 * ({@code SIGKILL}) and glibc's {@code strsignal(3)} descriptions ({@code Killed}), which
 * libbpf-tools print; real-time signals SIGRTMIN (34, glibc's) and above as strsignal names them.
 */
public final class Signals {
    private static final List<String> NAMES = List.of("SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
            "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM",
            "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS");
    private static final List<String> DESCRIPTIONS = List.of("Hangup", "Interrupt", "Quit", "Illegal instruction",
            "Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception", "Killed", "User defined signal 1",
            "Segmentation fault", "User defined signal 2", "Broken pipe", "Alarm clock", "Terminated", "Stack fault",
            "Child exited", "Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)", "Stopped (tty output)",
            "Urgent I/O condition", "CPU time limit exceeded", "File size limit exceeded", "Virtual timer expired",
            "Profiling timer expired", "Window changed", "I/O possible", "Power failure", "Bad system call");
    /** glibc's SIGRTMIN (the kernel's 32 and 33 are kept by the threading library). */
    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;

    private Signals() {}

    /** {@code SIGKILL} for 9; {@code SIGRTMIN+N} for real-time signals; {@code SIG<n>} otherwise. */
    public static String name(int sig) {
        if (sig >= 1 && sig <= NAMES.size()) {
            return NAMES.get(sig - 1);
        }
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
            return sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (sig - SIGRTMIN);
        }
        return "SIG" + sig;
    }

    /** What glibc's strsignal(3) says: {@code Killed}, {@code Real-time signal 6}, {@code Unknown signal 99}. */
    public static String describe(int sig) {
        if (sig >= 1 && sig <= DESCRIPTIONS.size()) {
            return DESCRIPTIONS.get(sig - 1);
        }
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
            return "Real-time signal " + (sig - SIGRTMIN);
        }
        return "Unknown signal " + sig;
    }

    /** A signal by number or name ({@code 9}, {@code KILL}, {@code SIGKILL}); null if none. */
    public static Integer parse(String s) {
        String t = s.trim();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            if (t.length() > 9) { // past int's range: no signal (Integer.parseInt would throw)
                return null;
            }
            int n = Integer.parseInt(t);
            return n >= 1 && n <= SIGRTMAX ? n : null;
        }
        String up = t.toUpperCase(java.util.Locale.ROOT);
        int i = NAMES.indexOf(up.startsWith("SIG") ? up : "SIG" + up);
        return i < 0 ? null : i + 1;
    }
}

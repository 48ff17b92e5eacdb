package io.boxscope.probe.output;

/**
 * How a stack is printed ({@code kstack(MODE)}): bpftrace's own mode, one indented symbol a line,
 * or perf's, {@code \tADDR SYMBOL} a line (bpftrace 0.17 {@code BPFtrace::get_stack}).
 */
public enum StackMode {
    BPFTRACE,
    PERF
}

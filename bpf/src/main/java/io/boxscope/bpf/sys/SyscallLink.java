package io.boxscope.bpf.sys;

/**
 * Links {@link Sys}'s {@code syscall(2)} downcall on a daemon thread, for a command that will call into the
 * kernel after work of its own (parsing and checking a program): the FFM linker spins its stub and
 * method-handle forms at run time (the AOT cache does not keep them), tens of milliseconds of a cold JVM's CPU
 * that can then overlap that work on another CPU. The first real call waits for {@code Sys}'s initialisation
 * if it is still under way (JLS 12.4.2).
 *
 * <p>A class of its own because {@code Sys}'s static initializer does the linking: a static method of
 * {@code Sys} that started the thread would initialise {@code Sys}, and so link, on the caller's thread before
 * the thread even started (a command's main thread paid 60-110 ms of CPU for it at load 18; docs/benchmarks.md,
 * "Start-up of the per-event tools").
 */
public final class SyscallLink {
    private SyscallLink() {}

    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts the linking on a daemon thread and returns at once; {@code Sys} is not initialised by this thread.
     * Only the first call starts a thread (the command line starts it as soon as it names a tracing command, and the
     * command's own call then finds it started).
     */
    public static void inBackground() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("boxscope-link-syscall").start(Sys::link);
        }
    }
}

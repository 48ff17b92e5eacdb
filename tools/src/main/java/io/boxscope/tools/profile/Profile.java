package io.boxscope.tools.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.StacksUnread;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.HostPaths;
import io.boxscope.tools.stacks.StackRun;
import io.boxscope.tools.stacks.StackSample;
import io.boxscope.tools.stacks.StackSamples;
import io.boxscope.tools.syscount.SyscountSession;

/**
 * libbpf-tools' profile: samples the stacks of what runs on every CPU at {@code -F} Hz from the
 * cpu-clock software event (no hardware counter needed) and counts each distinct
 * (process, command, user stack, kernel stack). The in-kernel part is {@code profile.bt}, a
 * probe-language script; this class fills its filter and key from the options and turns the map
 * into {@link StackSample}s. Idle samples (pid 0) are left out unless {@code -I}, as profile.bpf.c does.
 */
public final class Profile {
    private Profile() {}

    /**
     * profile's options (libbpf-tools names): {@code -F}, {@code -p} (several pids), {@code -L}
     * (tids), {@code -U}, {@code -K}, {@code -I}, {@code -C}, {@code --container} as a cgroup v2
     * directory; {@code duration} zero runs until stopped; {@code stackStorageSize}: the stacks the stack map holds
     * ({@code --stack-storage-size}; libbpf-tools' default is 1,024, Boxscope's {@link StackRun#STACK_KEYS}).
     */
    public record Options(int frequency, List<Integer> pids, List<Integer> tids, boolean userOnly, boolean kernelOnly,
            boolean includeIdle, int cpu, Path cgroupDir, Duration duration, int stackStorageSize) {
        public Options(int frequency, List<Integer> pids, List<Integer> tids, boolean userOnly, boolean kernelOnly,
                boolean includeIdle, int cpu, Path cgroupDir, Duration duration) {
            this(frequency, pids, tids, userOnly, kernelOnly, includeIdle, cpu, cgroupDir, duration, StackRun.STACK_KEYS);
        }

        public Options {
            StackRun.checkStackKeys(stackStorageSize);
            pids = List.copyOf(pids);
            tids = List.copyOf(tids);
            if (frequency <= 0) {
                throw new IllegalArgumentException("invalid FREQUENCY: " + frequency + " (a positive number of Hertz)");
            }
            if (userOnly && kernelOnly) {
                throw new IllegalArgumentException("user_stacks_only and kernel_stacks_only cannot be used together.");
            }
            if (!pids.isEmpty() && !tids.isEmpty()) {
                throw new IllegalArgumentException("-p and -L cannot be used together: give pids or tids");
            }
        }

        public static Options defaults() {
            return new Options(49, List.of(), List.of(), false, false, false, -1, null, Duration.ZERO);
        }
    }

    /**
     * The result: distinct stacks heaviest first, their total, how long sampling ran, and the samples the
     * kernel skipped (another BPF program was running on the CPU when the timer fired), and the map updates
     * that failed in the kernel (a full {@code @stacks}: samples of stacks past its capacity not counted), as
     * the probe runtime reports them for every tool; {@code kernelSymbolsMissing}: the distinct kernel addresses of {@code stacks} shown as
     * {@code [unknown]} because kallsyms could not be read, and why (empty when none were); {@code stacksUnread}: the
     * stacks shown empty because bpf_get_stackid could not store them (a full or colliding stack map), by errno.
     */
    public record Report(Options options, List<StackSample> stacks, long samples, Duration elapsed, long skipped,
                         List<Event.MapUpdateFailed> failedUpdates, Optional<KernelSymbolsMissing> kernelSymbolsMissing,
                         Optional<StacksUnread> stacksUnread) {
        public Report {
            java.util.Objects.requireNonNull(stacksUnread, "stacksUnread");
            stacks = List.copyOf(stacks);
            failedUpdates = List.copyOf(failedUpdates);
            java.util.Objects.requireNonNull(kernelSymbolsMissing, "kernelSymbolsMissing");
        }
    }

    /** The script for {@code o}, as it is compiled (also what {@code --print-script} could show). */
    public static String script(Options o) {
        List<String> filter = new ArrayList<>();
        if (!o.includeIdle()) {
            filter.add("tid != 0");
        }
        if (!o.pids().isEmpty()) {
            filter.add(anyOf("pid", o.pids()));
        }
        if (!o.tids().isEmpty()) {
            filter.add(anyOf("tid", o.tids()));
        }
        if (o.cpu() >= 0) {
            filter.add("cpu == " + o.cpu());
        }
        String key = "pid, comm" + (o.kernelOnly() ? "" : ", ustack") + (o.userOnly() ? "" : ", kstack");
        return template("profile.bt")
                .replace("${HZ}", Integer.toString(o.frequency()))
                .replace("${FILTER}", filter.isEmpty() ? "1" : String.join(" && ", filter))
                .replace("${KEY}", key);
    }

    /** The key layout of {@link #script}'s map for {@code o}. */
    static StackSamples.Keys keys(Options o) {
        return new StackSamples.Keys(0, 1, o.kernelOnly() ? -1 : 2, o.userOnly() ? -1 : o.kernelOnly() ? 2 : 3);
    }

    /** Samples until the duration ends or {@code stop} says so, then reads and symbolizes the stacks. */
    public static Report run(Options o, HostPaths paths, SyscountSession.Stop stop)
            throws ProgramException, AccessDeniedException, ProbeRunException, InterruptedException {
        StackRun.Result r = StackRun.run("profile", script(o), paths, o.cgroupDir(), o.duration(), stop, List.of("@stacks"),
                o.stackStorageSize());
        List<StackSample> stacks = StackSamples.of(r.map("@stacks"), keys(o));
        long total = stacks.stream().mapToLong(StackSample::weight).sum();
        return new Report(o, stacks, total, r.elapsed(), r.skipped(), r.failedUpdates(), r.kernelSymbolsMissing("@stacks", keys(o).kernel()),
                r.stacksUnread());
    }

    private static String anyOf(String builtin, List<Integer> ids) {
        List<String> parts = new ArrayList<>();
        for (int id : ids) {
            parts.add(builtin + " == " + id);
        }
        return parts.size() == 1 ? parts.getFirst() : "(" + String.join(" || ", parts) + ")";
    }

    static String template(String name) {
        try (InputStream in = Profile.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}

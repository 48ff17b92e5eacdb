package io.boxscope.probe.lang.parse;

import java.util.Set;

/** Names the parser reads as builtin variables rather than plain identifiers (bpftrace 0.17 plus {@code container}). */
public final class Builtins {
    private Builtins() {}

    public static final Set<String> VARIABLES = Set.of(
            "pid", "tid", "uid", "gid", "nsecs", "elapsed", "numaid", "cpu", "comm", "kstack", "ustack",
            "probe", "func", "args", "retval", "cgroup", "curtask", "rand", "username", "ctx",
            "sarg0", "sarg1", "sarg2", "sarg3", "sarg4", "sarg5", "sarg6", "sarg7", "sarg8", "sarg9",
            "cpid", "container");

    /** {@code arg0}..{@code argN} (bpftrace accepts any N; the semantic pass bounds it per probe type). */
    public static boolean isBuiltinVariable(String name) {
        if (VARIABLES.contains(name)) {
            return true;
        }
        if (name.length() > 3 && name.startsWith("arg")) {
            for (int i = 3; i < name.length(); i++) {
                if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                    return false;
                }
            }
            return name.length() < 6;
        }
        return false;
    }

    /** Base type words that can start a cast or sizeof type. */
    public static final Set<String> TYPE_WORDS = Set.of(
            "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
            "int", "char", "short", "long", "unsigned", "signed", "bool", "void",
            "struct", "union", "enum");
}

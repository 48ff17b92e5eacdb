package io.boxscope.trace.scap;

import java.util.ArrayDeque;

/**
 * Path arithmetic as libsinsp does it for the thread and fd tables and for printing path parameters: the
 * thread's cwd, concatenate_paths, the resolved form of a relative path parameter, an executable's full path.
 * Pure functions of their arguments; {@link Inspector} and the rules it applies call them per event.
 */
final class ScapPaths {
    private ScapPaths() {}

    /**
     * The thread's cwd as sinsp reads it: its process's, kept on the main thread (sinsp_threadinfo::get_cwd
     * reads it through get_main_thread(), libs e5c53d64 threadinfo.cpp, because glibc and musl make every
     * thread with CLONE_FS), ending with {@code /} (set_cwd adds one), and empty for a main thread the tables
     * did not list (get_thread_ref's fake entry sets no cwd, so a relative path resolves against nothing:
     * {@code openat(AT_FDCWD, "")} names the fd {@code <f>} and prints {@code name=}, as sysdig 0.29 does).
     */
    static String cwdOf(Inspector.Thread t) {
        String cwd = mainThread(t).cwd;
        if (cwd == null) {
            return "";
        }
        return cwd.endsWith("/") ? cwd : cwd + "/";
    }

    /**
     * sinsp_threadinfo::get_main_thread (threadinfo.h): the thread itself when its tid is its pid, else the
     * table's entry for its pid. When the table has none, sinsp's lookup_thread asks get_thread_ref, which for
     * a capture file (scap_proc_get reads no /proc then) adds a fake entry with that tid, no name and no cwd;
     * so does this, and a later chdir of the process sets that entry's cwd.
     */
    static Inspector.Thread mainThread(Inspector.Thread t) {
        if (t.tid == t.pid) {
            return t;
        }
        Inspector.Thread main = t.table.get(t.pid);
        return main != null ? main : ThreadRules.fake(t.pid, t.table);
    }

    /**
     * A path parameter's resolved form, as sinsp_evt::get_param_as_str prints it in parentheses: the
     * directory (sinsp_evt::get_base_dir: the thread's cwd, or for a FSRELPATH with a directory fd other than
     * AT_FDCWD that fd's name, control and non-ASCII bytes removed, and {@code /}; the empty string when the
     * tables hold no name for it) {@link #concatenate}d with the path. Null, so nothing is printed, for an
     * absolute path (concatenate_paths then fails and sysdig clears the text), a parameter without bytes, or
     * one starting {@code <NA>}. For an unknown directory fd, sysdig 0.29 reading a file asks the READING
     * machine's /proc/PID/fd/N (threadinfo.cpp get_path_for_dir_fd): when that process is gone, the
     * directory is empty, which is what Boxscope always uses.
     */
    static String resolve(Inspector.Thread t, ScapEvent e, EventInfo.ParamInfo p) {
        // per printed line with a path parameter: the table's row without an Optional, the length without a copy
        EventInfo info = e.infoOrNull();
        int idx = info == null ? -1 : info.indexOf(p.name());
        if (idx < 0 || idx >= e.params().size() || e.paramLength(idx) == 0
                || !(e.value(idx) instanceof ParamValue.Text text)) {
            return null;
        }
        byte[] path = text.bytes();
        if (startsWith(path, "<NA>") || (path.length > 0 && path[0] == '/')) {
            return null;
        }
        String base = cwdOf(t);
        if (p.type() == ParamType.FSRELPATH && p.info().startsWith("DIRFD_PARAM(")) {
            int d = Integer.parseInt(p.info(), "DIRFD_PARAM(".length(), p.info().length() - 1, 10);
            // num is value(d) as a Num read in place (MIN_VALUE when it would not be one), without the record
            long dirfd = d < e.params().size() && e.isNum(d) ? e.num(d) : -100;
            if (dirfd != -100) {
                Inspector.Fd fd = t.fds.get(dirfd);
                base = fd == null || fd.name().isEmpty() ? "" : withoutInvalid(fd.name()) + "/";
            }
        }
        return concatenate(base, path);
    }

    private static boolean startsWith(byte[] b, String prefix) {
        if (b.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * sinsp_utils::concatenate_paths (libs e5c53d64 utils.cpp): a relative path (the empty one too) is
     * appended to {@code dir} as it is, an absolute one replaces it; the appended path is cleaned as
     * copy_and_sanitize_path does: {@code ./} and a final {@code .} dropped, {@code ../} and a final
     * {@code ..} step back to the previous {@code /} (into {@code dir} too, never before its second
     * character), repeated {@code /} kept once, a final {@code /} dropped, and every byte that is not
     * printable ASCII written as {@code .}. {@code dir} itself is not cleaned: {@code //} + {@code tmp} is
     * {@code //tmp}, {@code <UNKNOWN>} + {@code x} is {@code <UNKNOWN>x}.
     */
    static String concatenate(String dir, byte[] path) {
        StringBuilder t = new StringBuilder(dir.length() + path.length);
        if (path.length == 0 || path[0] != '/') {
            t.append(dir);
        }
        int n = path.length;
        int pc = 0;
        while (pc < n) {
            int c = path[pc] & 0xff;
            int c1 = pc + 1 < n ? path[pc + 1] & 0xff : 0;
            int c2 = pc + 2 < n ? path[pc + 2] & 0xff : 0;
            if (c < 0x20 || c >= 0x7f) {
                t.append('.'); // g_invalidchar: !isprint, and every byte of a multi-byte character
                pc++;
            } else if (c == '.' && c1 == '.' && c2 == '/') {
                rewind(t);
                pc += 3;
            } else if (c == '.' && c1 == '.') {
                if (pc + 2 >= n) {
                    rewind(t);
                } else {
                    t.append("..");
                }
                pc += 2;
            } else if (c == '.' && c1 == '/') {
                pc += 2;
            } else if (c == '.') {
                if (pc + 1 < n) {
                    t.append('.');
                }
                pc++;
            } else if (c == '/') {
                if (t.isEmpty() || t.charAt(t.length() - 1) != '/') {
                    t.append('/');
                }
                pc++;
            } else {
                t.append((char) c);
                pc++;
            }
        }
        if (t.length() > 1 && t.charAt(t.length() - 1) == '/') {
            t.setLength(t.length() - 1);
        }
        return t.toString();
    }

    /** rewind_to_parent_path: back to just after the previous {@code /}, not before the second character. */
    private static void rewind(StringBuilder t) {
        int tc = t.length();
        if (tc <= 1) {
            return;
        }
        tc--;
        while (tc >= 1 && t.charAt(tc - 1) != '/') {
            tc--;
        }
        t.setLength(tc);
    }

    /** The last {@link #withoutInvalid} answer, for the next event on the same directory fd. */
    private record Sanitized(String in, String out) {}

    private static volatile Sanitized lastSanitized = new Sanitized("", "");

    /**
     * sanitize_string: control characters and non-ASCII removed. The last answer is kept (one record, read and
     * replaced whole, so threads sharing it see a matching pair): a directory fd's name is the same String object
     * for every openat on it, and a long name with a byte to remove was rebuilt character by character for each
     * printed line (3% of {@code trace -r FILE evt.type=openat}'s samples on a capture where find walked a tree).
     */
    private static String withoutInvalid(String s) {
        Sanitized last = lastSanitized;
        if (last.in() == s) {
            return last.out();
        }
        String out = sanitize(s);
        lastSanitized = new Sanitized(s, out);
        return out;
    }

    private static String sanitize(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c >= 0x7f;
            if (bad && b == null) {
                b = new StringBuilder(s.substring(0, i));
            } else if (!bad && b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** {@code path} against {@code base} ({@code path} itself when absolute), {@code .} and {@code ..} removed. */
    static String resolvePath(String base, String path) {
        ArrayDeque<String> parts = new ArrayDeque<>();
        for (String c : ((path.startsWith("/") ? "" : base + "/") + path).split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** The part of {@code s} after its last {@code /}; the empty string for null. */
    static String basename(String s) {
        if (s == null) {
            return "";
        }
        int i = s.lastIndexOf('/');
        return i < 0 ? s : s.substring(i + 1);
    }
}

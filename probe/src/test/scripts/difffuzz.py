#!/usr/bin/env python3
"""Differential fuzzing of `boxscope probe` against bpftrace 0.17 (docs/probe.md, "Differential fuzzing").

Generates small programs that need no tracing beyond BEGIN/END/interval (each run takes well under a
second), runs each with `bpftrace` and with `boxscope probe` and compares standard output and the exit
status. Seeded and reproducible: the same --seed and --count give the same programs.

    probe/src/test/scripts/difffuzz.py --seed 1 --count 200 [--only arith,printf] [--boxscope ./boxscope]

Prints one block per difference (program, arguments, both outputs, both exit codes, the first line of
both standard errors) and a summary per category. Run as root (bpftrace needs it).
"""
import argparse
import random
import subprocess
import sys

INT_TYPES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64"]
ARITH_OPS = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"]
CMP_OPS = ["<", ">", "<=", ">=", "==", "!="]
INTERESTING = [0, 1, -1, 2, -2, 3, -3, 7, -7, 127, 128, -128, 255, 256, 32767, 32768, -32768, 65535,
               2147483647, -2147483648, 4294967295, 4294967296, 9223372036854775807, 100, -100, 1000, 5, 63, 64]


def lit(r):
    v = r.choice(INTERESTING)
    return str(v) if v >= 0 else "(%d)" % v


def operand(r, depth=0):
    k = r.random()
    if k < 0.35:
        return lit(r)
    if k < 0.6:
        return "$v%d" % r.randrange(3)
    if k < 0.8 and depth < 2:
        return "(%s)%s" % (r.choice(INT_TYPES), operand(r, depth + 1))
    if depth < 2:
        op = r.choice(ARITH_OPS)
        return "(%s %s %s)" % (operand(r, depth + 1), op, guard(op, operand(r, depth + 1)))
    return lit(r)


def guard(op, right):
    # division by zero and shifts by a negative amount or by 64+ are kept differences (docs/probe.md: LLVM
    # makes them undefined in bpftrace); keep nested divisors nonzero and shift amounts in 0..63
    if op in ("/", "%") and not right.lstrip("(-").rstrip(")").isdigit():
        return "(%s | 1)" % right
    if op in ("/", "%") and right in ("0", "(0)"):
        return "3"
    if op in ("<<", ">>") and not (right.isdigit() and int(right) < 64):
        return "(%s & 63)" % right
    return right


def safe_divisor(expr_op, right):
    # a literal zero divisor is a compile error in neither; keep the divisor nonzero to test values
    return expr_op in ("/", "%") and right in ("0", "(0)")


def vars_prelude(r):
    return " ".join("$v%d = %s;" % (i, lit(r)) for i in range(3))


def gen_arith(r):
    exprs = []
    for _ in range(r.randint(1, 3)):
        op = r.choice(ARITH_OPS + CMP_OPS)
        a, b = operand(r), operand(r)
        if op in ("<<", ">>") and r.random() < 0.7:
            b = str(r.choice([0, 1, 3, 7, 31, 32, 63]))
        b = guard(op, b)
        exprs.append("%s %s %s" % (a, op, b))
    conv = r.choice(["%d", "%u", "%x", "%lld", "%llu", "%ld"])
    fmt = " ".join([conv] * len(exprs))
    body = vars_prelude(r) + ' printf("%s\\n", %s);' % (fmt, ", ".join(exprs))
    if r.random() < 0.4:
        body += " @m = %s;" % exprs[0]
    if r.random() < 0.3:
        body += " $c = (%s)(%s); printf(\"%%d\\n\", $c);" % (r.choice(INT_TYPES), exprs[-1])
    return "BEGIN { %s exit(); }" % body, []


def gen_cast(r):
    t = r.choice(INT_TYPES)
    v = lit(r)
    conv = r.choice(["%d", "%u", "%x", "%lld", "%llu"])
    prog = "BEGIN { $x = (%s)%s; printf(\"%s\\n\", $x); @a = $x; @b[(%s)%s] = count(); exit(); }" % (
        t, v, conv, r.choice(INT_TYPES), lit(r))
    return prog, []


def gen_control(r):
    k = r.randrange(4)
    if k == 0:
        a, b = operand(r), operand(r)
        op = r.choice(CMP_OPS)
        return "BEGIN { %s if (%s %s %s) { printf(\"yes\\n\"); } else { printf(\"no\\n\"); } exit(); }" % (
            vars_prelude(r), a, op, b), []
    if k == 1:
        a, b = operand(r), operand(r)
        return "BEGIN { %s $t = %s %s %s ? %s : %s; printf(\"%%d\\n\", $t); exit(); }" % (
            vars_prelude(r), a, r.choice(CMP_OPS), b, lit(r), lit(r)), []
    if k == 2:
        n = r.randint(1, 6)
        return "BEGIN { $i = %s; unroll(%d) { $i = $i * 2 + 1; printf(\"%%d \", $i); } printf(\"\\n\"); exit(); }" % (
            lit(r), n), []
    n = r.randint(0, 10)
    return "BEGIN { $i = 0; $s = 0; while ($i < %d) { $s += $i; $i++; if ($s > 20) { break; } } printf(\"%%d %%d\\n\", $i, $s); exit(); }" % n, []


ESCAPES = ["\\n", "\\t", "\\\\", "\\\"", "\\x41", "\\101", "\\0", "\\e", "\\a", "\\r", "\\x7f", "\\x1b[1m", "\\'"]


def strlit(r):
    parts = []
    for _ in range(r.randint(0, 4)):
        parts.append(r.choice(ESCAPES) if r.random() < 0.5 else r.choice(["a", "bc", "hello", " ", "%", "é"]))
    return '"' + "".join(parts) + '"'


def gen_string(r):
    k = r.randrange(4)
    a, b = strlit(r), strlit(r)
    if k == 0:
        return "BEGIN { printf(\"[%%s]\\n\", %s); exit(); }" % a, []
    if k == 1:
        return "BEGIN { $a = %s; $b = %s; printf(\"%%d %%d\\n\", $a == $b, $a != $b); exit(); }" % (a, a if r.random() < 0.5 else b), []
    if k == 2:
        return "BEGIN { @s[%s] = count(); @s[%s] = count(); @t[%s, %d] = sum(%s); exit(); }" % (a, b, a, r.randint(-3, 3), lit(r)), []
    return "BEGIN { @[%s] = %s; exit(); }" % (a, b), []


PRINTF_CONVS = ["%d", "%i", "%u", "%x", "%X", "%o", "%s", "%c", "%p", "%lld", "%llu", "%ld", "%lu", "%lx",
                "%-10s", "%10s", "%05d", "%-5d", "%+d", "% d", "%.3s", "%8.3s", "%#x", "%#o", "%hd", "%hhd", "%hhu",
                "%zd", "%5u", "%-8x", "%08X", "%.5d", "%e", "%f", "%*d", "%n", "%r", "%5%"]


def printf_arg(r):
    k = r.random()
    if k < 0.5:
        return lit(r)
    if k < 0.7:
        return "(%s)%s" % (r.choice(INT_TYPES), lit(r))
    if k < 0.9:
        return strlit(r)
    return "comm"


def gen_printf(r):
    n = r.randint(1, 3)
    convs = [r.choice(PRINTF_CONVS) for _ in range(n)]
    nargs = n if r.random() < 0.8 else n + r.choice([-1, 1])
    args = [printf_arg(r) for _ in range(max(0, nargs))]
    fmt = "|".join(convs) + "%%\\n" if r.random() < 0.3 else "|".join(convs) + "\\n"
    argtext = "".join(", " + a for a in args)
    if "comm" in argtext:
        # comm differs between the two tools' BEGIN threads; keep the width/flags but a fixed string
        argtext = argtext.replace("comm", '"xyz"')
    return "BEGIN { printf(\"%s\"%s); exit(); }" % (fmt, argtext), []


AGGS = ["count()", "sum(V)", "avg(V)", "min(V)", "max(V)", "stats(V)", "hist(V)", "lhist(V, L, H, S)"]


def val(r):
    return r.choice(["(-5)", "(-1)", "0", "1", "3", "7", "100", "1000", "(-100)", "4096", "65536", "(-2147483648)",
                     "2147483648", "1048576", "12345678"])


def gen_maps(r):
    stmts = []
    names = []
    for m in range(r.randint(1, 3)):
        agg = r.choice(AGGS)
        name = "@" + r.choice(["a", "b", "c", "x", "y", "m_"]) + (str(m) if m else "")
        lo, hi = r.choice([(0, 10), (-10, 10), (0, 100), (5, 20)])
        step = r.choice([1, 2, 5, 10])
        keyk = r.randrange(4)
        for _ in range(r.randint(1, 6)):
            a = agg.replace("V", val(r)).replace("L", str(lo)).replace("H", str(hi)).replace("S", str(step))
            key = ["", "[%d]" % r.randint(-3, 3), "[%s]" % strlit(r), "[%d, %s]" % (r.randint(0, 2), strlit(r))][keyk]
            stmts.append("%s%s = %s;" % (name, key, a))
        names.append(name)
    end = ""
    k = r.random()
    target = r.choice(names)
    if k < 0.2:
        end = "print(%s, %d);" % (target, r.randint(0, 3))
    elif k < 0.35:
        end = "print(%s, %d, %d);" % (target, r.randint(0, 3), r.choice([1, 2, 10, 1000]))
    elif k < 0.45:
        end = "clear(%s);" % target
    elif k < 0.55:
        end = "zero(%s);" % target
    elif k < 0.6:
        end = "print(%s);" % target
    prog = "BEGIN { %s exit(); }" % " ".join(stmts)
    if end:
        prog += " END { %s }" % end
    return prog, []


def gen_delete(r):
    return ("BEGIN { @a[1] = count(); @a[2] = count(); @a[%d] = sum(%s); delete(@a[%d]); @b = %s; delete(@b); exit(); }" % (
        r.randint(1, 3), val(r), r.randint(1, 3), val(r)), [])


def gen_params(r):
    args = [r.choice(["5", "-3", "0x10", "hello", "007", "", "a b", "18446744073709551615", "-9223372036854775808", "1e3"])
            for _ in range(r.randint(0, 3))]
    k = r.randrange(4)
    if k == 0:
        return "BEGIN { printf(\"%d\\n\", $#); exit(); }", args
    if k == 1:
        return "BEGIN { printf(\"%d %d\\n\", $1, $#); exit(); }", args
    if k == 2:
        return "BEGIN { printf(\"[%s]\\n\", str($1)); exit(); }", args
    return "BEGIN { @[str($%d)] = count(); @n = $# + $1; exit(); }" % r.randint(1, 2), args


def gen_error(r):
    bad = ["BEGIN { $x; exit(); }", "BEGIN { printf(\"%d\\n\"); }",
           "BEGIN { printf(\"%s\\n\", 1); }", "BEGIN { printf(\"%d\\n\", \"s\"); }", "BEGIN { foo(); }",
           "BEGIN { @x = count(); @x = 1; }", "BEGIN { $a = 1; $a = \"s\"; }", "BEGIN { print(@nomap); }",
           "BEGIN { exit() }", "BEGIN { printf(\"%k\\n\", 1); }", "BEGIN { printf(\"%d %d\\n\", 1); }",
           "BEGIN { printf(\"%d\\n\", 1, 2); }", "BEGIN { @x[1] = 1; @x[\"a\"] = 2; }", "BEGIN { $x = \"a\" + 1; }",
           "BEGIN { unroll(0) { } }", "BEGIN { unroll(101) { } }", "BEGIN { $x = (uint8)\"a\"; }",
           "BEGIN { @ = hist(-1, 2); }", "BEGIN { @ = lhist(1, 10, 0, 1); }", "BEGIN { @ = lhist(1, 0, 10, 0); }",
           "BEGIN { clear(@a); }", "BEGIN { @a = 1; clear(@a[1]); }", "BEGIN { print(@a, -1); @a[1] = 1; }",
           "BEGIN { $1 = 2; }", "BEGIN { printf(\"%d\\n\", $2); }", "BEGIN { str(1); }", "BEGIN { x }",
           "BEGIN { printf(1); }", "BEGIN { @a = 1; print(@a, 1, 0); }", "END { @ = count(); } END { @b = 1; }",
           "BEGIN { printf(\"%s %s %s %s %s %s %s %s\\n\", \"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"); exit(); }",
           "BEGIN { if (\"a\") { } }", "BEGIN { $x = 1 ? \"a\" : 2; }", "BEGIN { @a = \"x\"; @a = 2; }",
           "BEGIN { $s = \"a\"; $s++; }", "BEGIN { @2 = 1; exit(); }", "BEGIN { @[1] = count(); @[1,2] = count(); }", "BEGIN { exit(1); }"]
    return r.choice(bad), []


LITERALS = ["1_000", "1__000", "0x1F", "0X1f", "010", "00", "0_10", "1e3", "1E3", "9e16", "1e1_0", "1u", "1U", "1l",
            "1ll", "1ULL", "1ul", "5e0", "18446744073709551615", "9223372036854775808", "0x_1", "2_e3", "1_e3",
            "1e_3", "0x1_0", "10e2", "1e17", "08", "0x10u", "1lu", "1_", "0b101", "18446744073709551616", "1e3u"]


def gen_literal(r):
    lits = [r.choice(LITERALS) for _ in range(r.randint(1, 3))]
    return "BEGIN { printf(\"%s\\n\", %s); exit(); }" % (" ".join(["%llu"] * len(lits)), ", ".join(lits)), []


def gen_strcmp(r):
    a, b = strlit(r), strlit(r)
    if r.random() < 0.5:
        b = a[:-1] + r.choice(["x", "", "ab"]) + '"'
    return "BEGIN { $a = %s; $b = %s; printf(\"%%d %%d\\n\", $a == $b, $a != $b); @[$a == $b] = count(); exit(); }" % (a, b), []


def gen_interval(r):
    n = r.randint(1, 4)
    return ("interval:ms:%d { @n = count(); @h = hist(@n); if (@n >= %d) { exit(); } } END { printf(\"end\\n\"); print(@n); clear(@h); }"
            % (r.choice([1, 5, 10]), n), [])


def gen_mapops(r):
    stmts = ["@a[1, \"x\"] = count();", "@a[2, \"yy\"] = count();", "@a[2, \"yy\"] = count();",
             "@s[\"k\"] = stats(%s);" % val(r), "@h = hist(%s);" % val(r), "@l = lhist(%s, 0, 100, 10);" % val(r)]
    ops = r.sample(["clear(@a);", "zero(@a);", "delete(@a[1, \"x\"]);", "zero(@s);", "clear(@h);", "zero(@l);",
                    "print(@h);", "print(@s);", "print(@l);", "print(@a);", "delete(@a[2, \"yy\"]);"], r.randint(1, 4))
    where = r.random()
    if where < 0.5:
        return "BEGIN { %s %s exit(); }" % (" ".join(stmts), " ".join(ops)), []
    return "BEGIN { %s exit(); } END { %s }" % (" ".join(stmts), " ".join(ops)), []


GENERATORS = {"arith": gen_arith, "cast": gen_cast, "control": gen_control, "string": gen_string,
              "printf": gen_printf, "maps": gen_maps, "delete": gen_delete, "params": gen_params, "error": gen_error,
              "literal": gen_literal, "strcmp": gen_strcmp, "interval": gen_interval, "mapops": gen_mapops}


def run(cmd, timeout=20):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", e.stderr or b""


def first_line(b):
    lines = [l for l in b.decode("utf-8", "replace").splitlines() if l and "RLIMIT_MEMLOCK" not in l]
    return lines[0] if lines else ""


def json_same(b, o):
    """The same NDJSON records up to the order of a map's entries (ties: kernel hash order). bpftrace 0.17 writes
    a non-ASCII byte as \\uffffffNN, which is not JSON: read it as that byte."""
    import json
    import re

    def load(text):
        out = []
        for line in text.decode("utf-8", "replace").splitlines():
            if line.strip():
                out.append(json.loads(re.sub(r"\\uffffff([0-9a-f]{2})", r"\\u00\1", line)))
        return out
    try:
        return load(b) == load(o)
    except ValueError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--only", default="")
    ap.add_argument("--boxscope", default="./boxscope")
    ap.add_argument("--json-share", type=float, default=0.3, help="share of programs also run with -f json")
    ap.add_argument("--list", action="store_true", help="print the programs only")
    a = ap.parse_args()
    r = random.Random(a.seed)
    cats = [c for c in (a.only.split(",") if a.only else GENERATORS)]
    stats = {c: [0, 0, 0] for c in cats}
    for i in range(a.count):
        cat = cats[i % len(cats)]
        prog, args = GENERATORS[cat](r)
        fmt = ["-f", "json"] if cat in ("maps", "delete", "printf", "string", "mapops", "strcmp") and r.random() < a.json_share else []
        if a.list:
            print("%s\t%s\t%s\t%s" % (cat, " ".join(fmt), prog, args))
            continue
        # "--" so that a negative number is a parameter, not an option, for getopt and picocli alike
        dd = ["--"] if args else []
        b = run(["bpftrace"] + fmt + ["-e", prog] + dd + args)
        o = run([a.boxscope, "probe"] + fmt + ["-e", prog] + dd + args)
        stats[cat][0] += 1
        # bpftrace exits 1 for every refused program, we exit 2 for a usage error (DEVELOPERS.md): compare
        # accepted/refused, and the output of accepted programs
        same = (b[0] == 0) == (o[0] == 0) and (b[0] != 0 or b[1] == o[1])
        if not same and b[0] == 0 and o[0] == 0 and sorted(b[1].splitlines()) == sorted(o[1].splitlines()):
            # entries with equal values come out in the kernel's hash order, which differs between runs
            # (docs/probe.md, "live: ties"): the same lines in another order is not a difference
            stats[cat][2] += 1
            same = True
        if not same and fmt and b[0] == 0 and o[0] == 0 and json_same(b[1], o[1]):
            stats[cat][2] += 1
            same = True
        if not same:
            stats[cat][1] += 1
            print("=== #%d %s %s" % (i, cat, " ".join(fmt)))
            print("prog: %s  args: %r" % (prog, args))
            print("bpftrace rc=%s err: %s" % (b[0], first_line(b[2])))
            print(b[1].decode("utf-8", "backslashreplace"), end="")
            print("--- boxscope rc=%s err: %s" % (o[0], first_line(o[2])))
            print(o[1].decode("utf-8", "backslashreplace"), end="")
            sys.stdout.flush()
    if not a.list:
        print("=== summary (seed %d, %d programs): category runs differences ties" % (a.seed, a.count))
        for c, (n, d, t) in stats.items():
            print("%-8s %4d %4d %4d" % (c, n, d, t))


if __name__ == "__main__":
    main()

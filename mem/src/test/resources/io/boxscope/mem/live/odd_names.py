"""Processes with hostile command lines and names, for comparing the first line of pmap.

Usage: python3 odd_names.py MODE SPEC_FILE
SPEC_FILE holds one argument per line, each 'x' followed by its bytes in hex (so any byte, and
empty arguments, survive). Every mode keeps its process alive by reading stdin: the caller keeps
the pipe open and closes it (or kills the process) to end it.

 exec    execv /bin/sh with the arguments as argv (argv[0] as given), running 'read x': the
         process's cmdline is exactly those arguments, NUL-separated.
 argc0   execve /bin/sh with an empty argv (the kernel then gives it one empty argument).
 title   overwrite this process's whole argv area with the first argument repeated, then the
         second argument at the very end (so the area may end without a NUL), as setproctitle(3)
         implementations do; prints 'ready PID'.
 zombie  fork a child that names itself (prctl PR_SET_NAME) with the first argument and exits
         unreaped; prints 'ready CHILD_PID'.
"""
import ctypes, os, sys

mode, spec = sys.argv[1], sys.argv[2]
args = [bytes.fromhex(line[1:]) for line in open(spec).read().split("\n") if line.startswith("x")]
libc = ctypes.CDLL(None, use_errno=True)

if mode == "exec":
    os.execv("/bin/sh", [args[0], b"-c", b"read x"] + args[1:])
elif mode == "argc0":
    empty = (ctypes.c_char_p * 1)(None)
    libc.execve(b"/bin/sh", empty, empty)
    sys.exit("execve failed: errno %d" % ctypes.get_errno())
elif mode == "title":
    stat = open("/proc/self/stat", "rb").read()
    f = stat[stat.rindex(b")") + 2:].split()
    start, end = int(f[48 - 3]), int(f[49 - 3])  # arg_start, arg_end: proc(5) fields 48, 49
    n = end - start
    area = (args[0] * (n // len(args[0]) + 1))[:n - len(args[1])] + args[1]
    ctypes.memmove(start, area, n)
    print("ready", os.getpid(), flush=True)
    sys.stdin.read()
elif mode == "zombie":
    pid = os.fork()
    if pid == 0:
        libc.prctl(15, ctypes.c_char_p(args[0]), 0, 0, 0)  # PR_SET_NAME
        os._exit(0)
    print("ready", pid, flush=True)
    sys.stdin.read()
else:
    sys.exit("unknown mode " + mode)

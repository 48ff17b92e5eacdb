#!/usr/bin/env python3
"""Fills the "--- text" ... "--- end" section of every case of runtime-corpus.txt with what bpftrace 0.17 prints
for its program run with -c COMMAND. Run as root from the repository root; rewrites the file. Error cases keep
their text (Boxscope's own diagnostic, reviewed by hand). ${PYTHON} and ${LIBC} are expanded for the run and put
back in the text."""
import os, subprocess, sys

PYTHON = os.path.realpath("/usr/bin/python3")
LIBC = next(l.split("=>")[1].split("(")[0].strip() for l in subprocess.run(["ldd", "/bin/true"], capture_output=True,
            text=True).stdout.splitlines() if "libc.so" in l)

def expand(s):
    return s.replace("${PYTHON}", PYTHON).replace("${LIBC}", LIBC)

PATH = "probe/src/test/resources/io/boxscope/probe/runtime/runtime-corpus.txt"

def run(program, command):
    p = subprocess.run(["bpftrace", "-c", expand(command), "-e", expand(program)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        sys.exit("bpftrace failed (%d) on %s" % (p.returncode, program))
    return p.stdout.decode().replace(PYTHON, "${PYTHON}").replace(LIBC, "${LIBC}")

out = []
case = {}
skipping = False
keep = False
for line in open(PATH).read().split("\n"):
    if line.startswith("=== "):
        skipping = False
        keep = False
        case = {}
    if keep:
        out.append(line)
        continue
    if skipping:
        continue
    if line.startswith("program: "):
        case["program"] = line[len("program: "):]
    if line.startswith("command: "):
        case["command"] = line[len("command: "):]
    if line == "--- text" or line == "--- end":
        skipping = True
        continue
    if line == "compare: error":
        out.append(line)
        keep = True
        continue
    if line.startswith("compare: "):
        out.append(line)
        text = run(case["program"], case["command"])
        out.append("--- text")
        out.extend(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"))
        out.append("--- end")
        out.append("")
        continue
    out.append(line)
while out and out[-1] == "":
    out.pop()
open(PATH, "w").write("\n".join(out) + "\n")

#!/usr/bin/env python3
"""Fills the "--- text" ... "--- end" section of every case of runtime-corpus.txt with what bpftrace 0.17 prints
for its program run with -c COMMAND. Run as root from the repository root; rewrites the file."""
import subprocess, sys

PATH = "probe/src/test/resources/io/boxscope/probe/runtime/runtime-corpus.txt"

def run(program, command):
    p = subprocess.run(["bpftrace", "-c", command, "-e", program], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    if p.returncode != 0:
        sys.exit("bpftrace failed (%d) on %s" % (p.returncode, program))
    return p.stdout.decode()

out = []
case = {}
skipping = False
for line in open(PATH).read().split("\n"):
    if line.startswith("=== "):
        skipping = False
        case = {}
    if skipping:
        continue
    if line.startswith("program: "):
        case["program"] = line[len("program: "):]
    if line.startswith("command: "):
        case["command"] = line[len("command: "):]
    if line == "--- text" or line == "--- end":
        skipping = True
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

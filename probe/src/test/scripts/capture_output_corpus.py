#!/usr/bin/env python3
"""Fills the expected output of the probe output corpus from bpftrace 0.17 itself.

Usage (as root, bpftrace 0.17 installed):
    probe/src/test/scripts/capture_output_corpus.py [CASE_NAME...]

For every case whose `live:` is not `no` (or only the named ones), runs
`bpftrace [args] -e PROGRAM` and `bpftrace -f json [args] -e PROGRAM` and writes
their stdout into the case's `--- text` and `--- json` sections; a case that has an
`--- error` section gets bpftrace's ERROR line instead. Cases marked `live: no` are
left alone unless named: their output was pasted from a real run (see the case's reason).
The input section is never touched: it is written by hand.
"""
import pathlib
import shlex
import subprocess
import sys

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "resources/io/boxscope/probe/output/corpus.txt"


def run(args, program, json):
    cmd = ["bpftrace"] + (["-f", "json"] if json else []) + args + ["-e", program]
    p = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def main():
    only = set(sys.argv[1:])
    text = CORPUS.read_text(encoding="utf-8")
    head, *cases = text.split("\n=== ")
    out = [head]
    for case in cases:
        lines = case.split("\n")
        name = lines[0].strip()
        meta = {}
        for line in lines[1:]:
            if line.startswith("--- "):
                break
            if ": " in line:
                k, v = line.split(": ", 1)
                meta[k] = v
        live = meta.get("live", "exact").split(" ")[0]
        if (live == "no" and name not in only) or (only and name not in only):
            out.append(case)
            continue
        header_end = next(i for i, l in enumerate(lines) if l.startswith("--- "))
        header = lines[:header_end]
        sections, current = {}, None
        for line in lines[header_end:]:
            if line.startswith("--- "):
                current = line[4:].strip()
                sections[current] = []
            else:
                sections[current].append(line)
        args = shlex.split(meta.get("args", ""))
        program = meta["program"]
        new = header + ["--- input"] + sections.get("input", [])
        if "error" in sections:
            code, _, err = run(args, program, False)
            assert code != 0, f"{name}: bpftrace accepted the program"
            msg = next(l for l in err.splitlines() if "ERROR:" in l and "RLIMIT" not in l)
            new += ["--- error", msg.split("ERROR: ", 1)[1]]
        else:
            for json, section in ((False, "text"), (True, "json")):
                code, stdout, err = run(args, program, json)
                assert code == 0, f"{name}: bpftrace exited {code}: {err}"
                assert stdout.endswith("\n"), f"{name}: output must end with a newline"
                new += ["--- " + section] + stdout[:-1].split("\n")
        out.append("\n".join(new) + ("\n" if case.endswith("\n") else ""))
        print("captured", name, file=sys.stderr)
    CORPUS.write_text("\n=== ".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Re-expresses falcosecurity/libs' event and flag tables as data files for Boxscope's scap reader.

Usage: gen_event_table.py LIBS_CHECKOUT OUT_DIR
LIBS_CHECKOUT is a tree of falcosecurity/libs at commit e5c53d64 (the libs Debian's sysdig 0.29.3 is
built on: package libfalcosecurity0 0.1.1dev+git20220316.e5c53d64). Writes events.tsv, flags.tsv and syscalls.tsv.
"""
import re, sys, os

src, out = sys.argv[1], sys.argv[2]
hdr = open(os.path.join(src, 'driver/ppm_events_public.h')).read()
consts = {}
for m in re.finditer(r'^#define\s+(PPM_\w+)\s+(.+?)\s*(?:/\*.*)?$', hdr, re.M):
    consts[m.group(1)] = m.group(2).split('/*')[0].strip()

def ev(expr):
    e = expr
    for _ in range(10):
        e2 = re.sub(r'\b(PPM_\w+)\b', lambda m: '(' + consts.get(m.group(1), m.group(1)) + ')', e)
        if e2 == e:
            break
        e = e2
    e = re.sub(r'(\d+)[uU]?[lL]*\b', r'\1', e)
    return int(eval(e)) & 0xffffffff

flags = open(os.path.join(src, 'driver/flags_table.c')).read()
rows = []
for m in re.finditer(r'const struct ppm_name_value (\w+)\[\] = \{(.*?)\};', flags, re.S):
    table = m.group(1)
    for e in re.finditer(r'\{\s*"([^"]+)"\s*,\s*([^}]+?)\s*\}', m.group(2)):
        rows.append((table, e.group(1), ev(e.group(2))))
with open(os.path.join(out, 'flags.tsv'), 'w') as f:
    f.write('# flag tables of falcosecurity/libs e5c53d64 driver/flags_table.c, in table order: table, name, value\n')
    for r in rows:
        f.write('%s\t%s\t%d\n' % r)

table = open(os.path.join(src, 'driver/event_table.c')).read()
n = 0
with open(os.path.join(out, 'events.tsv'), 'w') as f:
    f.write('# event table of falcosecurity/libs e5c53d64 driver/event_table.c: id, PPME name, name, category, flags, params (name|type|format|info;...)\n')
    for line in table.splitlines():
        m = re.match(r'\s*/\* (PPME_\w+) \*/\s*\{\s*"([^"]*)",\s*(\w+),\s*([^,]+),\s*(\d+)(.*)\},?\s*$', line)
        if not m:
            continue
        ppme, name, cat, fl, np, rest = m.groups()
        params = []
        for p in re.finditer(r'\{\s*"([^"]*)",\s*(PT_\w+),\s*(PF_\w+)(?:,\s*([^}]+?))?\s*\}', rest):
            info = (p.group(4) or '').strip()
            params.append('%s|%s|%s|%s' % (p.group(1), p.group(2)[3:], p.group(3)[3:], info))
        # the table's count wins (seccomp's enter event lists a second parameter it does not count)
        assert len(params) >= int(np), line
        params = params[:int(np)]
        f.write('%d\t%s\t%s\t%s\t%s\t%s\n' % (n, ppme, name, cat[3:], fl.strip().replace(' ', ''), ';'.join(params)))
        n += 1
assert n == 336, n

# PPM_SC_* names (userspace/libscap/syscall_info_table.c): what generic events' ID parameter means
sc = open(os.path.join(src, 'userspace/libscap/syscall_info_table.c')).read()
names = re.findall(r'^\s*/\*\s*(\w+)\s*\*/\s*\{\s*EC_(\w+)[^}]*"([^"]*)"\s*\}', sc, re.M)
assert len(names) == 329, len(names)
with open(os.path.join(out, 'syscalls.tsv'), 'w') as f:
    f.write('# PPM_SC_* ids of falcosecurity/libs e5c53d64 userspace/libscap/syscall_info_table.c: id, name, category\n')
    for i, (_, cat, name) in enumerate(names):
        f.write('%d\t%s\t%s\n' % (i, name, cat))

#!/usr/bin/env python3
"""Rewrites a little-endian bbolt file as the same database in big-endian order, as bbolt on s390x writes it.

bbolt (go.etcd.io/bbolt) lays its structs into pages through unsafe pointers, so every integer is in the
writing host's order. Independent of Boxscope's reader: the layout is written out here from bbolt's page.go,
meta (db.go) and bucket.go:

  page header   id u64, flags u16, count u16, overflow u32          (16 bytes)
  meta          magic u32, version u32, pageSize u32, flags u32, root bucket {root u64, sequence u64},
                freelist u64, pgid u64, txid u64, checksum u64 (FNV-1a 64 of the 56 bytes before it)
  branch elem   pos u32, ksize u32, pgid u64
  leaf elem     flags u32, pos u32, ksize u32, vsize u32; a value with flags & 1 is a bucket:
                {root u64, sequence u64}, followed by its inline page when root is 0
  freelist      count page ids (u64); count 0xffff: the real count is the first u64

Keys and values are the application's bytes and stay as they are.

Usage: make-bigendian.py meta.db meta-be.db
"""
import struct
import sys

BRANCH, LEAF, META, FREELIST = 0x01, 0x02, 0x04, 0x10


def swap(buf, off, fmt):
    """Reads the little-endian field at off and writes it back big-endian."""
    (v,) = struct.unpack_from("<" + fmt, buf, off)
    struct.pack_into(">" + fmt, buf, off, v)
    return v


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def page(buf, off, inline):
    """Swaps the page at off (an inline bucket page when inline); returns its overflow count."""
    swap(buf, off, "Q")
    flags = swap(buf, off + 8, "H")
    count = swap(buf, off + 10, "H")
    overflow = swap(buf, off + 12, "I")
    body = off + 16
    if flags & META and not inline:
        for i, fmt in enumerate("IIII"):
            swap(buf, body + 4 * i, fmt)
        for k in range(16, 56, 8):
            swap(buf, body + k, "Q")
        struct.pack_into(">Q", buf, body + 56, fnv1a64(bytes(buf[body:body + 56])))
    elif flags & BRANCH:
        for i in range(count):
            el = body + 16 * i
            swap(buf, el, "I")
            swap(buf, el + 4, "I")
            swap(buf, el + 8, "Q")
    elif flags & LEAF:
        for i in range(count):
            el = body + 16 * i
            eflags = swap(buf, el, "I")
            pos = swap(buf, el + 4, "I")
            ksize = swap(buf, el + 8, "I")
            vsize = swap(buf, el + 12, "I")
            if eflags & 1 and vsize >= 16:
                value = el + pos + ksize
                root = swap(buf, value, "Q")
                swap(buf, value + 8, "Q")
                if root == 0 and vsize > 16:
                    page(buf, value + 16, True)
    elif flags & FREELIST and not inline:
        n = count
        start = body
        if count == 0xFFFF:
            n = swap(buf, body, "Q")
            start = body + 8
        for i in range(n):
            swap(buf, start + 8 * i, "Q")
    return overflow


def main(src, dst):
    buf = bytearray(open(src, "rb").read())
    (page_size,) = struct.unpack_from("<I", buf, 16 + 8)
    off = 0
    while off + 16 <= len(buf):
        (flags,) = struct.unpack_from("<H", buf, off + 8)
        if flags in (BRANCH, LEAF, META, FREELIST):
            overflow = page(buf, off, False)
            off += page_size * (overflow + 1)
        else:
            off += page_size  # never written, or not a page bbolt reads: left as it is
    open(dst, "wb").write(buf)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

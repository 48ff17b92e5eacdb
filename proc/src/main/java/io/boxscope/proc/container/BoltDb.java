package io.boxscope.proc.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only reader of bbolt files (go.etcd.io/bbolt), the key/value store containerd keeps its
 * metadata in ({@code io.containerd.metadata.v1.bolt/meta.db}). Only what a lookup needs: the meta
 * pages, branch and leaf pages, overflow, and nested (also inline) buckets. Layout, from bbolt's
 * page.go, bucket.go and db.go: every page starts with {@code id u64, flags u16, count u16,
 * overflow u32}; a meta page holds {@code magic 0xED0CDAED, version 2, pageSize, flags, root
 * bucket (root u64, sequence u64), freelist, pgid, txid, checksum}, the valid one with the higher
 * txid being current; a leaf element is {@code flags u32, pos u32, ksize u32, vsize u32}, a branch
 * element {@code pos u32, ksize u32, pgid u64}, {@code pos} counting from the element itself. A
 * bucket's value is {@code root u64, sequence u64}, followed by the bucket's one page if root is 0.
 * Integers are in the order of the host that wrote the file, found from the meta page's magic ({@link #of}).
 *
 * <p>The file is read without bbolt's lock while containerd may write it: committed pages are
 * not rewritten until a later transaction frees them, so a short read is consistent but for rare
 * races, which show as {@link IOException} (every offset is bounds-checked), never as wrong data
 * silently accepted: keys and values are checked against their page.
 */
final class BoltDb {
    private static final int MAGIC = 0xED0CDAED;
    private static final int PAGE_HEADER = 16;
    private static final int BRANCH = 0x01;
    private static final int LEAF = 0x02;
    private static final int META = 0x04;
    private static final int BUCKET_LEAF = 0x01;
    /** Bounds recursion on a damaged or hostile file whose branches loop. */
    private static final int MAX_DEPTH = 64;

    private final ByteBuffer file;
    private final int pageSize;
    private final long rootPage;

    private BoltDb(ByteBuffer file, int pageSize, long rootPage) {
        this.file = file;
        this.pageSize = pageSize;
        this.rootPage = rootPage;
    }

    static BoltDb open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is larger than 2 GiB");
            }
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read all
            }
            b.flip();
            return of(b, path.toString());
        }
    }

    /**
     * bbolt writes its structs through unsafe pointers, so the file is in the writing host's byte order:
     * little-endian from x86_64, aarch64, riscv64, loongarch64 and ppc64le, big-endian from s390x. The order is
     * the one in which a meta page is valid (magic 0xED0CDAED and checksum), little-endian tried first.
     */
    static BoltDb of(ByteBuffer bytes, String what) throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer b = bytes.duplicate().order(order);
            Meta m0 = meta(b, 0);
            int pageSize = m0 != null ? m0.pageSize : 4096;
            Meta m1 = meta(b, pageSize);
            Meta m = m0 == null ? m1 : m1 == null ? m0 : (Long.compareUnsigned(m1.txid, m0.txid) > 0 ? m1 : m0);
            if (m != null) {
                return new BoltDb(b, m.pageSize, m.root);
            }
        }
        throw new IOException(what + " is not a bbolt database (no valid meta page in either byte order)");
    }

    private record Meta(int pageSize, long root, long txid) {}

    /** The meta page at {@code offset}, or null if absent, of the wrong magic, or failing its checksum. */
    private static Meta meta(ByteBuffer b, int offset) {
        if (offset < 0 || offset + PAGE_HEADER + 64 > b.limit()) {
            return null;
        }
        int flags = Short.toUnsignedInt(b.getShort(offset + 8));
        int m = offset + PAGE_HEADER;
        if ((flags & META) == 0 || b.getInt(m) != MAGIC || b.getInt(m + 4) != 2) {
            return null;
        }
        int pageSize = b.getInt(m + 8);
        if (pageSize < 512 || pageSize > (1 << 20) || Integer.bitCount(pageSize) != 1) {
            return null;
        }
        // Checksum: FNV-1a 64 of the meta struct before its checksum field (bbolt meta.sum64).
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < 56; i++) {
            h ^= b.get(m + i) & 0xff;
            h *= 0x100000001b3L;
        }
        if (h != b.getLong(m + 56)) {
            return null;
        }
        return new Meta(pageSize, b.getLong(m + 16), b.getLong(m + 48));
    }

    /** A bucket: its root page, or its inline page at an offset in the file. */
    final class Bucket {
        private final long root;
        private final int inlineOffset;
        private final int inlineLimit;

        private Bucket(long root, int inlineOffset, int inlineLimit) {
            this.root = root;
            this.inlineOffset = inlineOffset;
            this.inlineLimit = inlineLimit;
        }

        /** The nested bucket {@code name}, if there is one. */
        Optional<Bucket> bucket(String name) throws IOException {
            Entry e = find(name);
            if (e == null || !e.isBucket) {
                return Optional.empty();
            }
            return Optional.of(bucketAt(e.valueOffset, e.valueLength));
        }

        /** The value of key {@code name} (not a bucket), as UTF-8 text. */
        Optional<String> text(String name) throws IOException {
            Entry e = find(name);
            if (e == null || e.isBucket) {
                return Optional.empty();
            }
            byte[] v = new byte[e.valueLength];
            file.get(e.valueOffset, v);
            return Optional.of(new String(v, StandardCharsets.UTF_8));
        }

        /** Names of the nested buckets, in key order. */
        Map<String, Bucket> buckets() throws IOException {
            Map<String, Bucket> out = new LinkedHashMap<>();
            walk(root == 0 ? inlineOffset : pageOffset(root), root == 0 ? inlineLimit : -1, 0, e -> {
                if (e.isBucket) {
                    out.put(e.key, bucketAt(e.valueOffset, e.valueLength));
                }
                return false;
            });
            return out;
        }

        private Entry find(String name) throws IOException {
            Entry[] hit = new Entry[1];
            walk(root == 0 ? inlineOffset : pageOffset(root), root == 0 ? inlineLimit : -1, 0, e -> {
                if (e.key.equals(name)) {
                    hit[0] = e;
                    return true;
                }
                return false;
            });
            return hit[0];
        }
    }

    /** The root bucket of the current meta page. */
    Bucket root() {
        return new Bucket(rootPage, 0, 0);
    }

    private Bucket bucketAt(int valueOffset, int valueLength) throws IOException {
        if (valueLength < 16) {
            throw new IOException("bucket header of " + valueLength + " bytes");
        }
        long root = file.getLong(valueOffset);
        return root == 0 ? new Bucket(0, valueOffset + 16, valueOffset + valueLength) : new Bucket(root, 0, 0);
    }

    private record Entry(String key, boolean isBucket, int valueOffset, int valueLength) {}

    private interface Visitor {
        /** True to stop. */
        boolean visit(Entry e) throws IOException;
    }

    private int pageOffset(long pgid) throws IOException {
        long off = pgid * pageSize;
        if (pgid < 2 || off < 0 || off + PAGE_HEADER > file.limit()) {
            throw new IOException("page " + pgid + " lies outside the file (" + file.limit() + " bytes)");
        }
        return (int) off;
    }

    /** Visits the entries under the page at {@code offset}; {@code limit} bounds an inline page (-1: the page's own span). */
    private boolean walk(int offset, int limit, int depth, Visitor v) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("bbolt tree deeper than " + MAX_DEPTH + " (damaged?)");
        }
        int flags = Short.toUnsignedInt(file.getShort(offset + 8));
        int count = Short.toUnsignedInt(file.getShort(offset + 10));
        long span = limit >= 0 ? limit - offset : (long) pageSize * (Integer.toUnsignedLong(file.getInt(offset + 12)) + 1);
        long end = Math.min((long) offset + span, file.limit());
        int elems = offset + PAGE_HEADER;
        if (elems + 16L * count > end) {
            throw new IOException("page at " + offset + " holds more elements than fit");
        }
        for (int i = 0; i < count; i++) {
            int el = elems + 16 * i;
            if ((flags & BRANCH) != 0) {
                int pos = file.getInt(el);
                int ksize = file.getInt(el + 4);
                check(el, pos, ksize, 0, end);
                if (walk(pageOffset(file.getLong(el + 8)), -1, depth + 1, v)) {
                    return true;
                }
            } else if ((flags & LEAF) != 0) {
                int eflags = file.getInt(el);
                int pos = file.getInt(el + 4);
                int ksize = file.getInt(el + 8);
                int vsize = file.getInt(el + 12);
                check(el, pos, ksize, vsize, end);
                byte[] key = new byte[ksize];
                file.get(el + pos, key);
                Entry e = new Entry(new String(key, StandardCharsets.UTF_8), (eflags & BUCKET_LEAF) != 0, el + pos + ksize, vsize);
                if (v.visit(e)) {
                    return true;
                }
            } else {
                throw new IOException("page at " + offset + " is neither branch nor leaf (flags " + flags + ")");
            }
        }
        return false;
    }

    private static void check(int el, int pos, int ksize, int vsize, long end) throws IOException {
        long start = (long) el + Integer.toUnsignedLong(pos);
        long stop = start + Integer.toUnsignedLong(ksize) + Integer.toUnsignedLong(vsize);
        if (pos < 0 || ksize < 0 || vsize < 0 || stop > end) {
            throw new IOException("element at " + el + " points outside its page");
        }
    }
}

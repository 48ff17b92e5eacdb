package io.boxscope.bench.workload;

import java.util.Locale;
import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.engine.Workload;

/**
 * sysbench's memory test. One event walks one block of --memory-block-size bytes in 8-byte words:
 * sequentially (word after word) or randomly (as many words as the block holds, each at a uniformly
 * random index), reading, writing or only computing the address. With --memory-scope=global all
 * threads share one block, with local each thread has its own. Each thread does
 * {@code total / block / threads} events, as in sysbench 1.0 (which ignores --events for this test).
 */
public final class MemoryWorkload implements Workload {
    public enum Scope { GLOBAL, LOCAL }

    public enum Oper { READ, WRITE, NONE }

    public enum Access { SEQ, RND }

    private final long blockSize;
    private final long totalSize;
    private final Scope scope;
    private final Oper oper;
    private final Access access;
    private final int threads;
    private final long[] global;
    /** Sequential reads use a block of 32-bit words: see {@link SeqRead}. */
    private final int[] globalInts;

    public MemoryWorkload(long blockSize, long totalSize, Scope scope, Oper oper, Access access, int threads) {
        if (blockSize < 8 || (blockSize & (blockSize - 1)) != 0) {
            throw new IllegalArgumentException("--memory-block-size must be a power of two and at least 8 bytes, got "
                    + blockSize);
        }
        if (blockSize / 8 > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("--memory-block-size is too large: at most 16G");
        }
        if (totalSize < 0) {
            throw new IllegalArgumentException("--memory-total-size cannot be negative");
        }
        this.blockSize = blockSize;
        this.totalSize = totalSize;
        this.scope = scope;
        this.oper = oper;
        this.access = access;
        this.threads = threads;
        boolean ints = access == Access.SEQ && oper == Oper.READ;
        this.global = scope == Scope.GLOBAL && !ints ? new long[(int) (blockSize / 8)] : null;
        this.globalInts = scope == Scope.GLOBAL && ints ? new int[(int) (blockSize / 4)] : null;
    }

    public long blockSize() {
        return blockSize;
    }

    public long totalSize() {
        return totalSize;
    }

    public Scope scope() {
        return scope;
    }

    public Oper oper() {
        return oper;
    }

    public Access access() {
        return access;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean selfLimited() {
        return totalSize > 0;
    }

    @Override
    public Worker worker(int threadId) {
        long quota = totalSize > 0 ? totalSize / blockSize / threads : -1;
        long seed = System.nanoTime() ^ (0x9E3779B97F4A7C15L * (threadId + 1));
        if (access == Access.SEQ && oper == Oper.READ) {
            return new SeqRead(globalInts != null ? globalInts : new int[(int) (blockSize / 4)], quota);
        }
        long[] buf = global != null ? global : new long[(int) (blockSize / 8)];
        return switch (access) {
            case SEQ -> switch (oper) {
                case WRITE -> new SeqWrite(buf, quota);
                case READ -> throw new IllegalStateException("handled above");
                case NONE -> new SeqNone(buf, quota);
            };
            case RND -> new Rnd(buf, quota, oper, new Xoroshiro(seed));
        };
    }

    public static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private abstract static class Base implements Worker {
        final long[] buf;
        long left;
        long sink;

        Base(long[] buf, long quota) {
            this.buf = buf;
            this.left = quota;
        }

        @Override
        public final boolean next() {
            if (left < 0) {
                return true;
            }
            if (left == 0) {
                return false;
            }
            left--;
            return true;
        }
    }

    static final class SeqWrite extends Base {
        SeqWrite(long[] buf, long quota) {
            super(buf, quota);
        }

        @Override
        public void execute() {
            long[] b = buf;
            int n = b.length;
            for (int i = 0; i < n; i++) {
                b[i] = n - i; // the distance to the block's end, as sysbench stores
            }
        }
    }

    /**
     * Reads every byte of the block once, in order. sysbench loads word after word and discards the
     * values; here the JDK's vectorised Arrays.hashCode reads the block (as 32-bit words) with wide
     * loads and the hash is kept, so the JIT cannot drop the reads.
     */
    static final class SeqRead extends Base {
        private final int[] ints;

        SeqRead(int[] ints, long quota) {
            super(null, quota);
            this.ints = ints;
        }

        @Override
        public void execute() {
            sink += java.util.Arrays.hashCode(ints);
        }
    }

    static final class SeqNone extends Base {
        SeqNone(long[] buf, long quota) {
            super(buf, quota);
        }

        @Override
        public void execute() {
            long s = 0;
            for (int i = 0; i < buf.length; i++) {
                s ^= i;
            }
            sink += s;
        }
    }

    static final class Rnd extends Base {
        private final Oper oper;
        private final Xoroshiro rnd;

        Rnd(long[] buf, long quota, Oper oper, Xoroshiro rnd) {
            super(buf, quota);
            this.oper = oper;
            this.rnd = rnd;
        }

        @Override
        public void execute() {
            long[] b = buf;
            int words = b.length;
            long s = 0;
            switch (oper) {
                case WRITE -> {
                    for (int i = 0; i < words; i++) {
                        b[(int) (rnd.nextDouble() * words)] = i;
                    }
                }
                case READ -> {
                    for (int i = 0; i < words; i++) {
                        s += b[(int) (rnd.nextDouble() * words)];
                    }
                }
                case NONE -> {
                    for (int i = 0; i < words; i++) {
                        s += (int) (rnd.nextDouble() * words);
                    }
                }
            }
            sink += s;
        }
    }
}

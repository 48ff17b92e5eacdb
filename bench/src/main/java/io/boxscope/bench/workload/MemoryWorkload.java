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
        this.global = scope == Scope.GLOBAL ? new long[(int) (blockSize / 8)] : null;
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
        long[] buf = global != null ? global : new long[(int) (blockSize / 8)];
        long quota = totalSize > 0 ? totalSize / blockSize / threads : -1;
        long seed = System.nanoTime() ^ (0x9E3779B97F4A7C15L * (threadId + 1));
        return switch (access) {
            case SEQ -> switch (oper) {
                case WRITE -> new SeqWrite(buf, quota);
                case READ -> new SeqRead(buf, quota);
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

    static final class SeqRead extends Base {
        SeqRead(long[] buf, long quota) {
            super(buf, quota);
        }

        @Override
        public void execute() {
            // Eight independent sums so the loads are not serialised behind one chain of additions
            // (sysbench's loads are independent of each other too).
            long[] b = buf;
            long s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = 0;
            for (; i + 7 < b.length; i += 8) {
                s0 += b[i];
                s1 += b[i + 1];
                s2 += b[i + 2];
                s3 += b[i + 3];
                s4 += b[i + 4];
                s5 += b[i + 5];
                s6 += b[i + 6];
                s7 += b[i + 7];
            }
            for (; i < b.length; i++) {
                s0 += b[i];
            }
            sink += s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
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

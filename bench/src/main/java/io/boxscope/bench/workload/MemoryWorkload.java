package io.boxscope.bench.workload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    private volatile io.boxscope.bench.workload.Seeds seeds = io.boxscope.bench.workload.Seeds.fromClock();

    @Override
    public void seeds(io.boxscope.bench.workload.Seeds seeds) {
        this.seeds = seeds;
    }

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
        long quota = totalSize > 0 ? totalSize / blockSize / threads : -1;
        long[] buf = global != null ? global : new long[(int) (blockSize / 8)];
        return switch (access) {
            case SEQ -> switch (oper) {
                case WRITE -> new SeqWrite(buf, quota);
                case READ -> ReadSink.active() ? new SeqSinkRead(buf, quota) : new SeqRead(buf, quota);
                case NONE -> new SeqNone(buf, quota);
            };
            case RND -> switch (oper) {
                case WRITE -> new RndWrite(buf, quota, seeds.forThread(threadId), seeds.histogramDraw());
                case READ -> ReadSink.active()
                        ? new RndSinkRead(buf, quota, seeds.forThread(threadId), seeds.histogramDraw())
                        : new RndRead(buf, quota, seeds.forThread(threadId), seeds.histogramDraw());
                case NONE -> new RndNone(buf, quota, seeds.forThread(threadId), seeds.histogramDraw());
            };
        };
    }

    /** The block a worker walks: the shared one (global scope) or the worker's own (local). */
    static long[] block(Worker w) {
        return ((Base) w).buf;
    }

    /** What the worker's never-true comparison last recorded (0 if it never fired): for tests. */
    static long sink(Worker w) {
        return ((Base) w).sink;
    }

    /** A random worker's generator state, sb_rng_state[0] and [1]: for tests. */
    static long[] state(Worker w) {
        return new long[] {((Rnd) w).s0, ((Rnd) w).s1};
    }

    /** Forgets what the worker's never-true comparison recorded: for tests. */
    static void clearSink(Worker w) {
        ((Base) w).sink = 0;
    }

    public static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Opaque access to the block's words: one plain 8-byte load or store that the JIT may neither
     * drop, merge with its neighbours nor vectorise, the Java counterpart of ConcurrencyKit's
     * ck_pr_load_64/ck_pr_store_64 that sysbench 1.0.20 uses (a single mov behind a compiler
     * barrier, src/tests/memory/sb_memory.c). Opaque is the weakest mode with that guarantee: no
     * fence is emitted on x86_64 or arm64.
     */
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * A value no word of the block ever holds, nor an XOR of its words (words hold counts and
     * offsets below 2^35), so the comparisons the read loops make against it are never true.
     * See {@link SeqRead}.
     */
    static final long NEVER = 0xB0C5_C0FE_0000_0000L | 1L << 62;

    private abstract static class Base implements Worker {
        final long[] buf;
        long left;
        /** Where a never-true comparison would write: keeps the loads observable to the JIT. */
        long sink;

        /**
         * The block's size in bytes, sysbench's memory_block_size: the random loops read it for
         * every word, as sysbench's do (below).
         */
        final long bytes;

        Base(long[] buf, long quota) {
            this.buf = buf;
            this.left = quota;
            this.bytes = buf.length * 8L;
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

    /**
     * sysbench's event_seq_write: each word, in order, gets the number of words left to the block's
     * end, computed as sysbench computes it. sb_memory.c stores {@code end - buf} for a
     * {@code size_t *buf}: a pointer difference, which gcc compiles (objdump of /usr/bin/sysbench
     * 1.0.20) to the byte distance from the word to the block's end shifted right by 3
     * ({@code mov end; sub ptr; sar $3}), recomputed for every word. Here the value is the same
     * expression on byte offsets, {@code (end - off) >> 3} with {@code off} the word's byte offset
     * ({@code i << 3}, which C2 also uses to address the word): a subtraction and an arithmetic
     * shift per word, as in sysbench. Written as {@code n - i} instead, C2 keeps the count in a
     * register and derives each value with one instruction, which made this loop 1.36-1.53x
     * sysbench's on the same block (docs/bench.md).
     *
     * <p>The loop is written eight words per iteration because gcc's is ({@code -funroll-loops}: eight
     * stores, then one add, compare and branch). Left to itself C2 unrolls it by four (a loop branch per
     * four stores); in this machine's runs of 2026-12-07 that shape, even written out in C without a
     * JVM, wrote 0.59-0.79x gcc's MiB per CPU-second at 1 MiB (0.99x in the runs of 2026-12-06);
     * unrolled by eight here it wrote 0.92-0.93x on the same block (docs/benchmarks.md, "the seq write
     * unrolled by 8"). Each word
     * still gets its own shift and store, and its value from the group's one subtraction less a
     * constant, as C2 derived it before.
     */
    static final class SeqWrite extends Base {
        SeqWrite(long[] buf, long quota) {
            super(buf, quota);
        }

        @Override
        public void execute() {
            long[] b = buf;
            int n = b.length;
            long end = (long) n << 3;
            int m = n & ~7;
            // eight words per iteration, as gcc -O2 -funroll-loops lays out sysbench's loop: one add, compare
            // and branch per 8 stores (see the class comment)
            for (int i = 0; i < m; i += 8) {
                long left = end - ((long) i << 3);
                WORDS.setOpaque(b, i, left >> 3);
                WORDS.setOpaque(b, i + 1, (left - 8) >> 3);
                WORDS.setOpaque(b, i + 2, (left - 16) >> 3);
                WORDS.setOpaque(b, i + 3, (left - 24) >> 3);
                WORDS.setOpaque(b, i + 4, (left - 32) >> 3);
                WORDS.setOpaque(b, i + 5, (left - 40) >> 3);
                WORDS.setOpaque(b, i + 6, (left - 48) >> 3);
                WORDS.setOpaque(b, i + 7, (left - 56) >> 3);
            }
            for (int i = m; i < n; i++) { // blocks of 8 to 56 bytes, and none otherwise (blocks are powers of two)
                WORDS.setOpaque(b, i, (end - ((long) i << 3)) >> 3);
            }
        }
    }

    /**
     * sysbench's event_seq_read: one 8-byte load per word, in order, value discarded. The JIT
     * deletes a plain, opaque, acquire or volatile load whose value is unused (all measured: the
     * loop is left empty), so each word is XORed into one of four accumulators and the fold of the
     * four is compared once per block with {@link #NEVER}, a value no fold of the block's words can
     * take (they are all below 2^35; it has bit 62 set). C2 compiles this counted loop, unrolled,
     * to one {@code xor mem,reg} per word (the load folded into the XOR, one instruction) plus one
     * add/compare/branch per 32 words, with no bounds check, no safepoint poll and no vector
     * instruction in the loop; sysbench's gcc loop is one {@code mov} per word plus the same three
     * per 8 words. Four accumulators rather than one because a single one makes every load wait
     * for the previous XOR (one word per cycle at best); four independent chains leave the loop
     * bound by its loads, as sysbench's is. The code and the measurements are in docs/bench.md.
     */
    static final class SeqRead extends Base {
        SeqRead(long[] buf, long quota) {
            super(buf, quota);
        }

        @Override
        public void execute() {
            long[] b = buf;
            int n = b.length;
            int m = n & ~3;
            long x0 = 0;
            long x1 = 0;
            long x2 = 0;
            long x3 = 0;
            for (int i = 0; i < m; i += 4) {
                x0 ^= b[i];
                x1 ^= b[i + 1];
                x2 ^= b[i + 2];
                x3 ^= b[i + 3];
            }
            for (int i = m; i < n; i++) { // blocks of 8 to 24 bytes
                x0 ^= b[i];
            }
            long x = (x0 ^ x1) ^ (x2 ^ x3);
            if (x == NEVER) {
                sink = x;
            }
        }
    }

    /**
     * sysbench's event_seq_read with {@link ReadSink#consume} as the consumer of each word, chosen
     * only when {@link ReadSink#active()} (the JVM compiles that method as a blackhole): C2 then
     * emits sysbench's loop, one {@code mov} load per word and an add/compare/branch per unrolled
     * group, no consumer instruction (docs/benchmarks.md, "memory at 1M"). In a JVM without the
     * blackhole this loop is never built: C2 would delete its loads.
     */
    static final class SeqSinkRead extends Base {
        SeqSinkRead(long[] buf, long quota) {
            super(buf, quota);
        }

        @Override
        public void execute() {
            long[] b = buf;
            for (int i = 0; i < b.length; i++) {
                ReadSink.consume(b[i]);
            }
        }
    }

    /**
     * sysbench's event_seq_none: a loop over the block's words with a compiler barrier and no
     * memory access. Here each word's index is compared with a value it never equals, which the
     * JIT cannot prove and so keeps one iteration per word.
     */
    static final class SeqNone extends Base {
        private final int never;

        SeqNone(long[] buf, long quota) {
            super(buf, quota);
            this.never = -1 - (int) (System.nanoTime() & 0xFFFF);
        }

        @Override
        public void execute() {
            int n = buf.length;
            int x = never;
            for (int i = 0; i < n; i++) {
                if (i == x) {
                    sink = i;
                }
            }
        }
    }

    /**
     * The random loops' common part: the generator's state is two fields of the worker itself, where
     * sysbench keeps it in the thread-local sb_rng_state (a fixed %fs offset, no pointer to follow),
     * and each loop is sb_memory.c's: {@code for (i = 0; i < memory_block_size; i += 8)}, with the
     * byte offset as the counter and the block size read from memory for the test as well as for
     * the word count. Because every access is opaque (ck_pr_load_64/ck_pr_store_64's compiler
     * barrier), C2 loads the state, the block size and the counter's bound before and stores the
     * state after every word, as gcc does in /usr/bin/sysbench 1.0.20 (objdump: per word the two
     * state words, the block size and the block pointer loaded, the two state words and the word
     * stored, {@code sar $3}, {@code cvtsi2sd}, {@code mulsd}, the conversion to an index). With
     * the state in a separate generator object, its reference was loaded before the state every
     * word and the loop counted words in a register: 0.85-0.89x sysbench's loop on the same block
     * (docs/benchmarks.md, "rnd loops").
     *
     * <p>With --rand-seed and --percentile above 0, sysbench's histogram update draws one value
     * from the same generator after each event (sb_histogram_update: {@code sb_rand_uniform_uint64()
     * % SB_HISTOGRAM_NSLOTS}), so the next event's offsets start one value later; the loops skip that
     * value too ({@link Seeds#histogramDraw()}), and a seeded run picks sysbench's words, event
     * after event.
     */
    private abstract static class Rnd extends Base {
        /** sysbench's sb_rng_state[0] and [1] (xoroshiro128+, see {@link Xoroshiro}). */
        long s0;
        long s1;
        private final boolean histogramDraw;

        Rnd(long[] buf, long quota, Xoroshiro rnd, boolean histogramDraw) {
            super(buf, quota);
            this.s0 = rnd.state0();
            this.s1 = rnd.state1();
            this.histogramDraw = histogramDraw;
        }

        /** sb_rand_uniform_double on this worker's state. */
        final double nextDouble() {
            long a = s0;
            long b = s1;
            s0 = Xoroshiro.step0(a, b);
            s1 = Xoroshiro.step1(a, b);
            return Xoroshiro.uniform(a + b);
        }

        /**
         * After an event: the value sysbench's histogram update takes, when it takes one. The step is
         * {@link Xoroshiro#step0}/{@link Xoroshiro#step1} written out with shifts, no method call: in the
         * usual unseeded run this branch never executes, so C2 declines to inline a call in it ("low call
         * site frequency") and compiles a real call, and the worker, live across that call, is then kept
         * in a stack slot and reloaded four times per word in the loop above: 41 instructions per word
         * instead of 35 for the read, 36 instead of 33 for the write, the read at 0.79-0.85x sysbench's
         * loop on the same block (docs/benchmarks.md, "memory at 1M: the random loops' spill").
         */
        final void endEvent() {
            if (histogramDraw) {
                long a = s0;
                long x = s1 ^ a;
                s0 = (a << 55 | a >>> 9) ^ x ^ (x << 14);
                s1 = x << 36 | x >>> 28;
            }
        }
    }

    /**
     * sysbench's event_rnd_write: for each byte offset {@code i} of the block (0, 8, 16, ...), the
     * word {@code (size_t) (sb_rand_uniform_double() * (memory_block_size / 8))} gets {@code i}.
     */
    static final class RndWrite extends Rnd {
        RndWrite(long[] buf, long quota, Xoroshiro rnd, boolean histogramDraw) {
            super(buf, quota, rnd, histogramDraw);
        }

        @Override
        public void execute() {
            long[] b = buf;
            for (long i = 0; i < bytes; i += 8) {
                WORDS.setOpaque(b, (int) (nextDouble() * (bytes >> 3)), i);
            }
            endEvent();
        }
    }

    /**
     * sysbench's event_rnd_read: one opaque 8-byte load per word of the block at
     * {@code (size_t) (sb_rand_uniform_double() * (memory_block_size / 8))}, compared with
     * {@link #NEVER} so the JIT keeps it (see {@link SeqRead}).
     */
    static final class RndRead extends Rnd {
        RndRead(long[] buf, long quota, Xoroshiro rnd, boolean histogramDraw) {
            super(buf, quota, rnd, histogramDraw);
        }

        @Override
        public void execute() {
            long[] b = buf;
            for (long i = 0; i < bytes; i += 8) {
                long v = (long) WORDS.getOpaque(b, (int) (nextDouble() * (bytes >> 3)));
                if (v == NEVER) {
                    sink = v;
                }
            }
            endEvent();
        }
    }

    /**
     * sysbench's event_rnd_read with {@link ReadSink#consume} as the consumer of each loaded word, chosen
     * only when {@link ReadSink#active()}, as {@link SeqSinkRead} is: the load is discarded as sysbench's
     * is, with no compare per word (C2: 33 instructions per word against {@link RndRead}'s 35; gcc's loop
     * in /usr/bin/sysbench 1.0.20 is 31). The words and the generator's draws are {@link RndRead}'s.
     */
    static final class RndSinkRead extends Rnd {
        RndSinkRead(long[] buf, long quota, Xoroshiro rnd, boolean histogramDraw) {
            super(buf, quota, rnd, histogramDraw);
        }

        @Override
        public void execute() {
            long[] b = buf;
            for (long i = 0; i < bytes; i += 8) {
                ReadSink.consume((long) WORDS.getOpaque(b, (int) (nextDouble() * (bytes >> 3))));
            }
            endEvent();
        }
    }

    /**
     * sysbench's event_rnd_none: computes the random index and nothing more. No access, so no
     * barrier: gcc keeps the generator's state in registers across the loop, and so may C2.
     */
    static final class RndNone extends Rnd {
        RndNone(long[] buf, long quota, Xoroshiro rnd, boolean histogramDraw) {
            super(buf, quota, rnd, histogramDraw);
        }

        @Override
        public void execute() {
            int words = buf.length;
            long s = 0;
            for (int i = 0; i < words; i++) {
                s += (int) (nextDouble() * words);
            }
            sink += s;
            endEvent();
        }
    }
}

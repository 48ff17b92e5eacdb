/*
 * sysbench 1.0.20's sequential memory loops (src/tests/memory/sb_memory.c, event_seq_write and
 * event_seq_read), rewritten here to be called on any block: each word gets the number of words
 * left to the block's end, or is loaded and discarded, through ConcurrencyKit's x86_64
 * ck_pr_store_64 / ck_pr_load_64 (one movq in a volatile asm with a "memory" clobber).
 * Built with gcc -O2 -funroll-loops, as sysbench is, it compiles to the instructions objdump shows
 * in /usr/bin/sysbench: unrolled 8 times; per stored word mov, sub, sar, the store and a lea; per
 * loaded word one mov; add, cmp, branch per 8 words. memory-loops calls them through FFM on the
 * very array Boxscope's worker walks, so both loops are timed on the same pages.
 */
#include <stddef.h>
#include <stdint.h>

#define CK_STORE_64(p, v) __asm__ __volatile__("movq %1, %0" : "=m"(*(uint64_t *)(p)) : "r"((uint64_t)(v)) : "memory")
#define CK_LOAD_64(p) ({ uint64_t r_; __asm__ __volatile__("movq %1, %0" : "=r"(r_) : "m"(*(const uint64_t *)(p)) : "memory"); r_; })

void sb_seq_write(size_t *block, size_t words) {
    for (size_t *p = block, *end = block + words; p < end; p++)
        CK_STORE_64(p, end - p);
}

void sb_seq_read(size_t *block, size_t words) {
    for (size_t *p = block, *end = block + words; p < end; p++) {
        uint64_t v = CK_LOAD_64(p);
        (void) v;
    }
}

/*
 * The random loops (event_rnd_write, event_rnd_read): as many accesses as the block has words,
 * each at word (size_t) (sb_rand_uniform_double() * (block_size / 8)); the write stores the loop's
 * byte offset. As in sysbench, the generator's state (xoroshiro128+ with the 2016 constants 55, 14,
 * 36), the block pointer and the block size live in memory (thread-local and global variables), and
 * the "memory" clobber of ck_pr_store_64/ck_pr_load_64 makes gcc load and store them around every
 * access: objdump of /usr/bin/sysbench shows the state loaded from and stored to %fs, the block size
 * reloaded and converted to a double, and the block pointer loaded from %fs for every word
 * (initial-exec TLS, as in the executable, rather than a shared library's __tls_get_addr calls).
 */
static __thread uint64_t sb_rng[2] __attribute__((tls_model("initial-exec")));
static __thread size_t *sb_buf __attribute__((tls_model("initial-exec")));
long sb_block_size;

static inline uint64_t sb_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline double sb_uniform_double(void) {
    uint64_t s0 = sb_rng[0], s1 = sb_rng[1], r = s0 + s1;
    s1 ^= s0;
    sb_rng[0] = sb_rotl(s0, 55) ^ s1 ^ (s1 << 14);
    sb_rng[1] = sb_rotl(s1, 36);
    union { uint64_t i; double d; } u = { .i = 0x3FFULL << 52 | r >> 12 };
    return u.d - 1.0;
}

/*
 * Points this thread at the block for this call (a Java array may move between calls) and seeds its
 * generator on the first call only, so that calls continue one sequence as sysbench's events do.
 */
static void sb_rnd_setup(size_t *block, size_t words, uint64_t s0, uint64_t s1) {
    sb_buf = block;
    sb_block_size = (long) (words * 8);
    if ((sb_rng[0] | sb_rng[1]) == 0) {
        sb_rng[0] = s0;
        sb_rng[1] = s1;
    }
}

void sb_rnd_write(size_t *block, size_t words, uint64_t s0, uint64_t s1) {
    sb_rnd_setup(block, words, s0, s1);
    for (long i = 0; i < sb_block_size; i += 8) {
        size_t idx = (size_t) (sb_uniform_double() * (sb_block_size / 8));
        CK_STORE_64(sb_buf + idx, i);
    }
}

void sb_rnd_read(size_t *block, size_t words, uint64_t s0, uint64_t s1) {
    sb_rnd_setup(block, words, s0, s1);
    for (long i = 0; i < sb_block_size; i += 8) {
        size_t idx = (size_t) (sb_uniform_double() * (sb_block_size / 8));
        uint64_t v = CK_LOAD_64(sb_buf + idx);
        (void) v;
    }
}

/*
 * Not sysbench's: its sequential read with each loaded word XORed into one of four accumulators, the
 * consumer Boxscope's Java loop needs so that the JIT keeps its loads (docs/benchmarks.md, "the read's
 * sink"). The loads are still ck_pr_load_64's; the fold is returned so gcc keeps the XORs. On the same
 * block it measures what that consumer costs sysbench's own loop.
 */
uint64_t sb_seq_read_xor4(size_t *block, size_t words) {
    uint64_t x0 = 0, x1 = 0, x2 = 0, x3 = 0;
    for (size_t *p = block, *end = block + (words & ~(size_t) 3); p < end; p += 4) {
        x0 ^= CK_LOAD_64(p);
        x1 ^= CK_LOAD_64(p + 1);
        x2 ^= CK_LOAD_64(p + 2);
        x3 ^= CK_LOAD_64(p + 3);
    }
    return (x0 ^ x1) ^ (x2 ^ x3);
}

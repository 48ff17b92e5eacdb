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

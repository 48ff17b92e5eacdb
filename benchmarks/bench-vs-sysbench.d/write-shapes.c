/*
 * The seq write's two instruction shapes on one page-aligned block in one C process, no JVM: sysbench 1.0.20's
 * loop as gcc -O2 -funroll-loops compiles it (per word mov end, sub, sar, the store, lea: 5.25 instructions), and
 * the loop C2 emits for Boxscope's MemoryWorkload$SeqWrite, written out in inline assembly from its disassembly
 * (per 4 words movslq, shl, mov, sub, add, cmp, jl; per word lea -8k, sar $3, the store: 4.5). Both store the same
 * value (the words left to the block's end) to the same words in the same order; `check` verifies it. Each loop runs
 * 50 ms windows in turn, timed in thread CPU time (so the load's descheduling does not count); prints MiB per
 * CPU-second and the per-round ratio C2 shape / gcc shape (docs/benchmarks.md, "memory at 1M: the seq write per
 * worker thread"). x86_64 only (the assembly).
 *
 * The result depends on where the loop starts within a 64-byte block (LOOP_OFFSET, below): 0.99 at 0-16 bytes,
 * 1.07-1.10 at 24-56 on this host (docs/benchmarks.md, "memory at 1M: the seq write's code placement").
 *
 *   for o in 0 16 32 48; do gcc -O2 -funroll-loops -DLOOP_OFFSET=$o -o /tmp/write-shapes-$o \
 *     benchmarks/bench-vs-sysbench.d/write-shapes.c; /tmp/write-shapes-$o 1048576 12; done
 *   /tmp/write-shapes-0 check
 */
#define _GNU_SOURCE
/* Where C2's loop starts within a 64-byte block (0-63): -DLOOP_OFFSET=48 puts it where HotSpot's default alignment
 * put it in one run (16 modulo 32, 48 modulo 64); 0 is where the launcher's -XX:OptoLoopAlignment=64 puts it. */
#ifndef LOOP_OFFSET
#define LOOP_OFFSET 0
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define LOOP_OFFSET_S STR(LOOP_OFFSET)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define ST(p, v) __asm__ __volatile__("movq %1, %0" : "=m"(*(uint64_t *)(p)) : "r"((uint64_t)(v)) : "memory")
__attribute__((noinline)) void sb_loop(size_t *b, size_t n) { for (size_t *p = b, *e = b + n; p < e; p++) ST(p, e - p); }
// C2's loop for MemoryWorkload$SeqWrite: per 4 words movslq, shl, mov, sub, add, cmp, jl; per word lea -8k (none
// for the first), sar $3, the store (base + index + displacement addressing): 18 instructions per 4 words. Checked
// against JDK 25's C2 code for it on 2026-12-06 (-XX:CompileCommand=print, the code bytes through objdump -b binary):
// the same 18 instructions, C2 interleaving the sar and the stores differently and aligning the loop to 32 bytes.
__attribute__((noinline)) void c2_loop(size_t *b, size_t n) {
  long end = (long) n * 8;
  __asm__ __volatile__(
    "xor %%ecx, %%ecx\n"
    ".p2align 6\n"
    ".if " LOOP_OFFSET_S "\n.skip " LOOP_OFFSET_S ", 0x90\n.endif\n"
    "1:\n"
    "movslq %%ecx, %%rax\n"
    "shl $3, %%rax\n"
    "mov %[end], %%r8\n"
    "sub %%rax, %%r8\n"
    "lea -8(%%r8), %%r9\n"
    "lea -16(%%r8), %%r10\n"
    "lea -24(%%r8), %%r11\n"
    "sar $3, %%r8\n"
    "sar $3, %%r9\n"
    "sar $3, %%r10\n"
    "sar $3, %%r11\n"
    "mov %%r8, (%[b],%%rax)\n"
    "mov %%r9, 8(%[b],%%rax)\n"
    "mov %%r10, 16(%[b],%%rax)\n"
    "mov %%r11, 24(%[b],%%rax)\n"
    "add $4, %%ecx\n"
    "cmp %[n], %%ecx\n"
    "jl 1b\n"
    : : [b] "r"(b), [n] "r"((int) n), [end] "r"(end) : "rax", "rcx", "r8", "r9", "r10", "r11", "memory", "cc");
}
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int cmp(const void *a, const void *b) { double x = *(double *) a, y = *(double *) b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "check") == 0) {
    size_t n = 1 << 17, *x = aligned_alloc(4096, n * 8), *y = aligned_alloc(4096, n * 8);
    sb_loop(x, n); c2_loop(y, n);
    int same = memcmp(x, y, n * 8) == 0;
    printf("same words: %s (first %zu, last %zu)\n", same ? "yes" : "NO", y[0], y[n - 1]);
    return same ? 0 : 1;
  }
  size_t bytes = argc > 1 ? strtoul(argv[1], 0, 0) : 1 << 20, n = bytes / 8; int rounds = argc > 2 ? atoi(argv[2]) : 30;
  if (rounds < 1 || rounds > 200 || n < 4) { fprintf(stderr, "usage: %s check | BYTES [ROUNDS 1-200]\n", argv[0]); return 2; }
  size_t *b = NULL;
  if (posix_memalign((void **) &b, 4096, bytes) != 0) return 1;
  memset(b, 0, bytes);
  double ra[200], rb[200], rr[200];
  for (int r = 0; r < rounds + 3; r++) {
    double x[2];
    for (int k = 0; k < 2; k++) {
      long ev = 0; double t0 = cpu(), t;
      do { if (k == 0) sb_loop(b, n); else c2_loop(b, n); ev++; } while ((t = cpu()) - t0 < 0.05);
      x[k] = ev * (bytes / 1048576.0) / (t - t0);
    }
    if (r >= 3) { ra[r - 3] = x[0]; rb[r - 3] = x[1]; rr[r - 3] = x[1] / x[0]; }
  }
  qsort(ra, rounds, 8, cmp); qsort(rb, rounds, 8, cmp); qsort(rr, rounds, 8, cmp);
  printf("block %zu: sysbench shape %.0f, C2 shape %.0f MiB per CPU-s; ratio median %.3f (quartiles %.3f-%.3f)\n",
         bytes, ra[rounds / 2], rb[rounds / 2], rr[rounds / 2], rr[rounds / 4], rr[3 * rounds / 4]);
  return 0;
}

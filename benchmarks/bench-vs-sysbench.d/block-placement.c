/*
 * Does physical page placement make 1M memory runs differ between processes? N blocks of 1 MiB allocated as
 * sysbench 1.0.20's memory_init allocates its block (page-aligned, then memset), in one process; for each, how many
 * of its pages exceed their L2 colour's share (guest-physical frame numbers from /proc/self/pagemap, root only;
 * 16 colours of 16 pages for a 1 MiB 16-way L2), and sysbench's seq read and write loops (one movq behind a
 * compiler barrier per word, as ck_pr_load_64/ck_pr_store_64) timed in 100 ms windows of thread CPU time,
 * round-robin over the blocks: median and quartiles per block (docs/benchmarks.md).
 *
 *   gcc -O2 -funroll-loops -o /tmp/block-placement benchmarks/bench-vs-sysbench.d/block-placement.c
 *   /tmp/block-placement [BLOCKS] [ROUNDS]      # defaults 8 10
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#define LOAD(p) ({ uint64_t r_; __asm__ __volatile__("movq %1, %0" : "=r"(r_) : "m"(*(const uint64_t *)(p)) : "memory"); r_; })
#define STORE(p, v) __asm__ __volatile__("movq %1, %0" : "=m"(*(uint64_t *)(p)) : "r"((uint64_t)(v)) : "memory")
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void rd(size_t *b, size_t n) { for (size_t *p = b, *e = b + n; p < e; p++) { uint64_t v = LOAD(p); (void) v; } }
static void wr(size_t *b, size_t n) { for (size_t *p = b, *e = b + n; p < e; p++) STORE(p, e - p); }
static int cmpd(const void *a, const void *b) { double x = *(double *) a, y = *(double *) b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
  int nb = argc > 1 ? atoi(argv[1]) : 8, rounds = argc > 2 ? atoi(argv[2]) : 10, colours = 16, cap = 16;
  size_t bytes = 1 << 20, words = bytes / 8;
  size_t *blk[64]; int over[64]; double r[64][64], w[64][64];
  int pm = open("/proc/self/pagemap", O_RDONLY);
  for (int i = 0; i < nb; i++) {
    posix_memalign((void **) &blk[i], 4096, bytes); memset(blk[i], 0, bytes);
    int cnt[64] = {0};
    for (size_t off = 0; off < bytes; off += 4096) {
      uint64_t e; pread(pm, &e, 8, ((uintptr_t) blk[i] + off) / 4096 * 8);
      cnt[(e & ((1ULL << 55) - 1)) % colours]++;
    }
    over[i] = 0; for (int c = 0; c < colours; c++) if (cnt[c] > cap) over[i] += cnt[c] - cap;
  }
  for (int k = 0; k < rounds; k++)
    for (int i = 0; i < nb; i++) {
      double t0 = cpu(), t; long n = 0; do { rd(blk[i], words); n++; } while ((t = cpu()) - t0 < 0.1);
      r[i][k] = n / (t - t0);
      t0 = cpu(); n = 0; do { wr(blk[i], words); n++; } while ((t = cpu()) - t0 < 0.1);
      w[i][k] = n / (t - t0);
    }
  for (int i = 0; i < nb; i++) {
    qsort(r[i], rounds, sizeof(double), cmpd); qsort(w[i], rounds, sizeof(double), cmpd);
    printf("block %d: guest colour overflow %3d  read %6.0f (%6.0f-%6.0f)  write %6.0f (%6.0f-%6.0f) MiB/s\n", i, over[i], r[i][rounds / 2], r[i][rounds / 4], r[i][rounds * 3 / 4], w[i][rounds / 2], w[i][rounds / 4], w[i][rounds * 3 / 4]);
  }
}

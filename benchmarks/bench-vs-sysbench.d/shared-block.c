/*
 * sysbench 1.0.20's seq-write loop (event_seq_write: each word gets end - p through a ck_pr_store_64-like
 * volatile movq) run by N threads on ONE shared, page-aligned 1 MiB block, as `sysbench memory --threads=2`
 * does with its default global scope, for one second; prints the total MiB/s and each thread's events.
 * Mode 0: every thread walks the block from its first word (sysbench); mode 1: the second thread walks it
 * rotated by half a block (starts in the middle), to see whether the threads' relative position matters.
 * No Boxscope code involved: it shows how much the two-thread figure of the very same C loop moves between
 * runs (docs/benchmarks.md, "memory at 1M: the seq write per worker thread").
 *
 *   gcc -O2 -funroll-loops -pthread -o /tmp/shared-block benchmarks/bench-vs-sysbench.d/shared-block.c
 *   for i in 1 2 3 4 5; do chrt -r 1 /tmp/shared-block 0 1; chrt -r 1 /tmp/shared-block 0 2; done
 *
 * chrt -r 1 (SCHED_RR) makes both threads run at once on a loaded host, as on a quiet one; keep the runs few.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STORE_64(p, v) __asm__ __volatile__("movq %1, %0" : "=m"(*(uint64_t *)(p)) : "r"((uint64_t)(v)) : "memory")

static size_t *block;
static size_t words;
static int mode;
static volatile int stop;
static pthread_barrier_t start;
static long events[2];

static void walk(size_t *from, size_t *to, size_t *end) {
    for (size_t *p = from; p < to; p++)
        STORE_64(p, end - p);
}

static void *worker(void *arg) {
    long id = (long) arg;
    size_t *end = block + words, *mid = block + words / 2;
    pthread_barrier_wait(&start);
    while (!stop) {
        if (mode == 1 && id == 1) {
            walk(mid, end, end);
            walk(block, mid, end);
        } else {
            walk(block, end, end);
        }
        events[id]++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3 || (atoi(argv[2]) != 1 && atoi(argv[2]) != 2)) {
        fprintf(stderr, "usage: %s MODE(0|1) THREADS(1|2)\n", argv[0]);
        return 2;
    }
    mode = atoi(argv[1]);
    int n = atoi(argv[2]);
    words = (1 << 20) / sizeof(size_t);
    if (posix_memalign((void **) &block, 4096, words * sizeof(size_t)) != 0)
        return 1;
    memset(block, 0, words * sizeof(size_t));
    pthread_barrier_init(&start, NULL, n + 1);
    pthread_t t[2];
    for (long i = 0; i < n; i++)
        pthread_create(&t[i], NULL, worker, (void *) i);
    struct timespec a, b, one = {1, 0};
    pthread_barrier_wait(&start);
    clock_gettime(CLOCK_MONOTONIC, &a);
    nanosleep(&one, NULL);
    stop = 1;
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("mode %d threads %d: %.0f MiB/s (events %ld %ld)\n", mode, n, (double) (events[0] + events[1]) / s,
           events[0], events[1]);
    return 0;
}

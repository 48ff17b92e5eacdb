/*
 * Why `sysbench memory --threads=2` (and `boxscope bench memory --threads=2`) swings from run to run on a small VM:
 * one process, two threads pinned to CPU 0 and CPU 1, a series of short windows. Before each window the two threads
 * bounce one cache line 2,000 times (the round trip, in ns: how far apart the host has put the two vCPUs right
 * now); then for WINDOW_MS they run sysbench 1.0.20's seq-write loop (each word gets `end - p` through a
 * ck_pr_store_64-like volatile movq, as shared-block.c) in one of three shapes, taken in turn:
 *   global  both threads on one shared 1 MiB block (sysbench's default --memory-scope=global)
 *   local   each thread on its own 1 MiB block (--memory-scope=local)
 *   one     thread 0 alone (--threads=1), thread 1 asleep
 * and the window prints "N ROUND_TRIP_NS SHAPE MiB/s". Between windows the process sleeps 50 ms, so that under
 * chrt -f it stays well inside the kernel's real-time budget (sched_rt_runtime_us). No Boxscope code involved.
 *
 *   gcc -O2 -funroll-loops -pthread -o /tmp/vcpu-regimes benchmarks/bench-vs-sysbench.d/vcpu-regimes.c
 *   chrt -f 1 /tmp/vcpu-regimes 90 30 | awk '{k = $3 ($2 < 250 ? " near" : " far"); n[k]++; v[k] = v[k] " " $4}
 *       END {for (k in n) print k, n[k] ":" v[k]}'
 *
 * chrt -f 1 (SCHED_FIFO) makes both threads run at once on a loaded guest, as on a quiet one; the run takes
 * NUM_WINDOWS x (WINDOW_MS + 50) ms. What it showed is in docs/benchmarks.md ("memory at 1M, two threads: why
 * the figure swings").
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STORE_64(p, v) __asm__ __volatile__("movq %1, %0" : "=m"(*(uint64_t *)(p)) : "r"((uint64_t)(v)) : "memory")
#define BLOCK (1 << 20)
#define ROUNDS 2000

enum shape { GLOBAL, LOCAL, ONE };
static const char *NAMES[] = {"global", "local", "one"};

static size_t *blocks[2];
static size_t words;
static volatile uint64_t line[8] __attribute__((aligned(64)));
static volatile int phase __attribute__((aligned(64)));
static volatile int ack __attribute__((aligned(64)));
static volatile int stop __attribute__((aligned(64)));
static volatile long second_words __attribute__((aligned(64)));
static volatile int shape;
static int windows;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static void pause_us(long us) {
    struct timespec z = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&z, NULL);
}

/* One event: one pass over a block, as event_seq_write (the stop flag is read between events, as sysbench checks
 * its time limit between events); returns the words written. */
static long walk(size_t *b) {
    size_t *end = b + words;
    for (size_t *p = b; p < end; p++)
        STORE_64(p, end - p);
    return (long) words;
}

static void *second(void *unused) {
    (void) unused;
    for (int w = 1; w <= windows; w++) {
        while (phase != w)
            pause_us(200);
        for (uint64_t k = 0; k < ROUNDS; k++) {
            while (line[0] != 2 * k + 1)
                ;
            line[0] = 2 * k + 2;
        }
        while (phase != -w)
            ;
        long n = 0;
        if (shape != ONE)
            while (!stop)
                n += walk(shape == GLOBAL ? blocks[0] : blocks[1]);
        second_words = n;
        ack = w;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3 || atoi(argv[1]) < 1 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: %s NUM_WINDOWS WINDOW_MS\n", argv[0]);
        return 2;
    }
    windows = atoi(argv[1]);
    double window = atoi(argv[2]) / 1000.0;
    words = BLOCK / sizeof(size_t);
    for (int i = 0; i < 2; i++) {
        if (posix_memalign((void **) &blocks[i], 4096, BLOCK) != 0)
            return 1;
        memset(blocks[i], 0, BLOCK);
    }
    cpu_set_t cpus;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CPU_ZERO(&cpus);
    CPU_SET(1, &cpus);
    /* pinned at creation: under SCHED_FIFO a thread born on CPU 0 would never get to move itself */
    pthread_attr_setaffinity_np(&attr, sizeof cpus, &cpus);
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    if (sched_setaffinity(0, sizeof cpus, &cpus) != 0) {
        perror("sched_setaffinity to CPU 0");
        return 1;
    }
    pthread_t t;
    if (pthread_create(&t, &attr, second, NULL) != 0) {
        perror("pthread_create on CPU 1");
        return 1;
    }
    for (int w = 1; w <= windows; w++) {
        shape = (w - 1) % 3;
        line[0] = 0;
        stop = 0;
        pause_us(50000);
        phase = w;
        double a = now();
        for (uint64_t k = 0; k < ROUNDS; k++) {
            line[0] = 2 * k + 1;
            while (line[0] != 2 * k + 2)
                ;
        }
        double trip = (now() - a) * 1e9 / ROUNDS;
        phase = -w;
        double s = now();
        long n = 0;
        while (now() - s < window)
            n += walk(blocks[0]);
        stop = 1;
        while (ack != w)
            ;
        double e = now();
        printf("%d %.0f %s %.0f\n", w, trip, NAMES[shape], (double) (n + second_words) * 8 / BLOCK / (e - s));
        fflush(stdout);
    }
    pthread_join(t, NULL);
    return 0;
}

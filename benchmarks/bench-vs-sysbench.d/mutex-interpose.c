/*
 * Interposer for sysbench's mutex test (LD_PRELOAD): prints every pthread_mutex_init address and
 * every pthread_mutex_lock with the calling thread's id, to standard error. mutex-picks turns the
 * locks of sb_mutex.c's thread_locks array (--mutex-num mutexes initialised one after the other,
 * sizeof(thread_lock) apart) into indices, per thread: the mutexes sysbench took, in its order.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) {
  static int (*real)(pthread_mutex_t *, const pthread_mutexattr_t *);
  if (!real) real = (int (*)(pthread_mutex_t *, const pthread_mutexattr_t *)) dlsym(RTLD_NEXT, "pthread_mutex_init");
  fprintf(stderr, "INIT %p\n", (void *) m);
  return real(m, a);
}

int pthread_mutex_lock(pthread_mutex_t *m) {
  static int (*real)(pthread_mutex_t *);
  if (!real) real = (int (*)(pthread_mutex_t *)) dlsym(RTLD_NEXT, "pthread_mutex_lock");
  fprintf(stderr, "LOCK %ld %p\n", (long) syscall(SYS_gettid), (void *) m);
  return real(m);
}

/*
 * The kernels' threads. OpenBLAS's threaded sgemm blocks K unlike its single-threaded one
 * (level3_thread.c against level3.c) and splits C by the thread count, and the kernels' bits depend on
 * where blocks end: measured on 0.3.21, 128x784 · 784x512 differed in 48242 of 65536 outputs between
 * 1 and 2 threads on Cooperlake, and on Haswell most shapes differed, down to 128x256 · 256x20. So
 * every sgemm here is single-threaded, and the kernels thread above it: they cut their work into
 * parts fixed by the shapes alone and run_parts spreads the parts over a pool of threads.
 *
 * The pool lives as long as the addon: starting threads on every call cost 15-30% of a 0.2-0.6 ms
 * matMul at 2 threads (measured on the MLP VAE's layers). Between calls its threads spin a little
 * (a training step calls the kernels back to back), then sleep.
 */
#include "common.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

#ifndef AELAB_ACCELERATE
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern int openblas_get_parallel(void);
#endif

/* Polls of a waiting pool thread before it sleeps: about a millisecond of pause instructions. */
#define SPINS 20000

static int threads = 1;
#ifndef AELAB_ACCELERATE
static bool blas_openmp;
#endif
static pthread_once_t threads_once = PTHREAD_ONCE_INIT;

static void start_threads(void) {
#ifndef AELAB_ACCELERATE
  threads = openblas_get_num_threads(); /* its default: OPENBLAS_NUM_THREADS, else the cores */
  openblas_set_num_threads(1);
  blas_openmp = openblas_get_parallel() == 2;
#endif
}

/*
 * An OpenMP OpenBLAS takes its thread count from the calling thread's OpenMP setting, which every
 * new thread (ours, a worker_thread's) starts at the default: measured, conv and gemm then lost their
 * thread-count invariance on the OpenMP build. So each thread sets it once before its first sgemm.
 */
static void single_threaded_blas(void) {
#ifndef AELAB_ACCELERATE
  static _Thread_local bool done;
  if (blas_openmp && !done) openblas_set_num_threads(1);
  done = true;
#endif
}

void init_threads(void) {
  pthread_once(&threads_once, start_threads);
}

int kernel_threads(void) {
  return threads;
}

void set_kernel_threads(int n) {
  threads = n < 1 ? 1 : n;
}

typedef struct {
  void *job;
  void (*run)(void *job, int64_t part, int slot);
  int64_t parts;
  atomic_llong next;
} PartQueue;

static void drain(PartQueue *queue, int slot) {
  single_threaded_blas();
  for (;;) {
    const long long part = atomic_fetch_add(&queue->next, 1);
    if (part >= queue->parts) return;
    queue->run(queue->job, part, slot);
  }
}

/*
 * One job at a time: run_parts runs only inside an exported call, and every exported call holds the
 * addon's lock (export_function). A job is announced by bumping `generation`; every pool thread then
 * takes parts if its slot is wanted, and reports back through `pending`, so the queue on run_parts'
 * stack is never read after it returns.
 */
static struct {
  pthread_mutex_t lock;
  pthread_cond_t wake;
  int started; /* pool threads, slots 1..started */
  unsigned first_generation[AELAB_MAX_THREADS];
  atomic_uint generation;
  PartQueue *queue;
  int wanted; /* slots below this take parts of the current job */
  atomic_int pending;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static unsigned next_generation(unsigned seen) {
  for (int i = 0; i < SPINS; i++) {
    const unsigned g = atomic_load_explicit(&pool.generation, memory_order_acquire);
    if (g != seen) return g;
    cpu_relax();
  }
  pthread_mutex_lock(&pool.lock);
  unsigned g;
  while ((g = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
  pthread_mutex_unlock(&pool.lock);
  return g;
}

static void *pool_thread(void *arg) {
  const int slot = (int)(intptr_t)arg;
  for (unsigned seen = pool.first_generation[slot];;) {
    seen = next_generation(seen);
    if (slot < pool.wanted) drain(pool.queue, slot);
    atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
  }
  return NULL;
}

void run_parts(void *job, int64_t parts, int thread_count, void (*run)(void *job, int64_t part, int slot)) {
  PartQueue queue = {.job = job, .run = run, .parts = parts};
  atomic_init(&queue.next, 0);
#ifdef AELAB_ACCELERATE
  thread_count = 1; /* Accelerate threads each sgemm itself */
#endif
  if (thread_count > parts) thread_count = (int)parts;
  if (thread_count > AELAB_MAX_THREADS) thread_count = AELAB_MAX_THREADS;
  if (thread_count <= 1) {
    drain(&queue, 0);
    return;
  }
  const unsigned generation = atomic_load_explicit(&pool.generation, memory_order_relaxed);
  while (pool.started < thread_count - 1) {
    const int slot = pool.started + 1;
    pool.first_generation[slot] = generation;
    pthread_t id;
    if (pthread_create(&id, NULL, pool_thread, (void *)(intptr_t)slot) != 0) break; /* fewer threads take the parts */
    pthread_detach(id);
    pool.started = slot;
  }
  pool.queue = &queue;
  pool.wanted = thread_count;
  atomic_store_explicit(&pool.pending, pool.started, memory_order_relaxed);
  pthread_mutex_lock(&pool.lock);
  atomic_store_explicit(&pool.generation, generation + 1, memory_order_release);
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  drain(&queue, 0);
  while (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0) cpu_relax();
}

/* Shared helpers for the kernels: argument reading, the wasm heap as a float pointer, threads. */
#ifndef AELAB_COMMON_H
#define AELAB_COMMON_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef AELAB_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

/* Throws a JS Error with the message and returns NULL, for `return throw_error(env, "...")`. */
napi_value throw_error(napi_env env, const char *message);
/* Throws "<fn>: <message>", formatted like printf; returns NULL. */
napi_value throw_errorf(napi_env env, const char *fn, const char *format, ...) __attribute__((format(printf, 3, 4)));

/*
 * The bytes behind the `heap` argument of function `fn`: an ArrayBuffer or a Uint8Array (a view of
 * the threaded build's SharedArrayBuffer). Throws, naming fn, for anything else and for an empty or
 * detached one (whose data pointer N-API gives as NULL).
 */
bool heap_arg(napi_env env, napi_value value, const char *fn, uint8_t **data, size_t *length);

/*
 * A number that is an exact integer within ±2^53. N-API's own int64 conversion maps NaN to 0 and
 * truncates fractions, which would turn a broken offset into a write at the start of the heap.
 */
bool exact_integer(double d, int64_t *out);
/*
 * Argument `name` of function `fn`: an integer in [min, max] (exactly: see exact_integer), a number,
 * a boolean. Each throws, naming fn and name, when the argument is not one.
 */
bool arg_integer(napi_env env, napi_value value, const char *fn, const char *name, int64_t min, int64_t max, int64_t *out);
bool arg_number(napi_env env, napi_value value, const char *fn, const char *name, double *out);
bool arg_boolean(napi_env env, napi_value value, const char *fn, const char *name, bool *out);
/* The largest offset or count arg_integer takes: every integer a double holds exactly. */
#define MAX_EXACT ((int64_t)1 << 53)
/* A typed array argument of the given element type: its elements and their number. */
bool typed_array_arg(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *count);

/*
 * `count` float32s at byte `offset` of the heap, checked to lie inside it and to be 4-byte aligned.
 * Returns NULL (with a JS error naming fn and arg thrown) when they do not.
 */
float *heap_floats(napi_env env, const char *fn, const char *arg, uint8_t *heap, size_t heap_length, int64_t offset, int64_t count);

/*
 * False (with a JS error thrown) when an output of out_floats floats overlaps an input of in_floats.
 * same_ok: the kernel reads each element before writing it, so out == in (in place) is allowed.
 */
bool check_no_overlap(napi_env env, const char *fn, const char *out_name, const float *out, int64_t out_floats, const char *in_name,
                      const float *in, int64_t in_floats, bool same_ok);

/*
 * Registers a function on the exports object. Every call holds one process-wide lock: worker
 * threads load the same addon, and the scratch buffers and thread count below are the process's.
 */
bool export_function(napi_env env, napi_value exports, const char *name, napi_callback callback);

/* Each kernel file registers its functions. */
bool register_gemm(napi_env env, napi_value exports);
bool register_conv(napi_env env, napi_value exports);
bool register_adam(napi_env env, napi_value exports);
bool register_reduce(napi_env env, napi_value exports);
bool register_sum(napi_env env, napi_value exports);
bool register_leaky_relu(napi_env env, napi_value exports);
bool register_bias_add(napi_env env, napi_value exports);

/*
 * Scratch buffer number `slot`, grown on demand (im2col columns), never freed while loaded: one per
 * thread of run_parts (its slot), and AELAB_SHARED_SLOT for the caller's own use around it.
 */
#define AELAB_SCRATCH_SLOTS 16
#define AELAB_MAX_THREADS (AELAB_SCRATCH_SLOTS - 1)
#define AELAB_SHARED_SLOT (AELAB_SCRATCH_SLOTS - 1)
float *scratch_floats_in(int slot, size_t count);

/*
 * Threads (threads.c). The kernels split their work into parts fixed by the shapes alone, each part a
 * single-threaded sgemm, and run the parts on kernel_threads() threads: so no result depends on
 * the thread count. The BLAS's own threading is switched off when the addon loads.
 */
void init_threads(void);
int kernel_threads(void);
void set_kernel_threads(int threads);
/* Calls run(job, part, slot) for every part < parts on up to `threads` threads; slot < AELAB_MAX_THREADS names the thread. */
void run_parts(void *job, int64_t parts, int threads, void (*run)(void *job, int64_t part, int slot));

#endif

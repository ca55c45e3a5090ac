/* Shared helpers for the kernels: argument reading and the wasm heap as a float pointer. */
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

/* The bytes behind an ArrayBuffer, a SharedArrayBuffer view or any typed array (the wasm heap). */
bool heap_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length);

/*
 * A number that is an exact integer within ±2^53. N-API's own int64 conversion maps NaN to 0 and
 * truncates fractions, which would turn a broken offset into a write at the start of the heap.
 */
bool exact_integer(double d, int64_t *out);
/* An integer argument, exactly (see exact_integer). */
bool arg_i64(napi_env env, napi_value value, int64_t *out);
/* A typed array argument of the given element type: its elements and their number. */
bool typed_array_arg(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *count);
bool arg_f64(napi_env env, napi_value value, double *out);
bool arg_bool(napi_env env, napi_value value, bool *out);

/*
 * A float32 array at a byte offset of the heap, checked to lie inside it and to be 4-byte aligned.
 * Returns NULL (with a JS error thrown) when it does not.
 */
float *heap_floats(napi_env env, uint8_t *heap, size_t heap_length, int64_t offset, int64_t count, const char *what);

/* Registers a function on the exports object. */
bool export_function(napi_env env, napi_value exports, const char *name, napi_callback callback);

/* Each kernel file registers its functions. */
bool register_gemm(napi_env env, napi_value exports);
bool register_conv(napi_env env, napi_value exports);
bool register_adam(napi_env env, napi_value exports);
bool register_reduce(napi_env env, napi_value exports);
bool register_sum(napi_env env, napi_value exports);
bool register_leaky_relu(napi_env env, napi_value exports);
bool register_bias_add(napi_env env, napi_value exports);

/* A scratch buffer owned by the addon, grown on demand (im2col columns); never freed while loaded. */
float *scratch_floats(size_t count);
/*
 * Scratch buffer number `slot` (0 is scratch_floats'), one per worker thread of a parallel kernel.
 * The kernels run one at a time (JavaScript calls them from its one thread), so slots are never shared.
 */
#define AELAB_SCRATCH_SLOTS 16
float *scratch_floats_in(int slot, size_t count);

#endif

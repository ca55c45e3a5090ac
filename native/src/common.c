#include "common.h"
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

napi_value throw_errorf(napi_env env, const char *fn, const char *format, ...) {
  char message[256];
  int used = snprintf(message, sizeof message, "%s: ", fn);
  va_list args;
  va_start(args, format);
  vsnprintf(message + used, sizeof message - (size_t)used, format, args);
  va_end(args);
  return throw_error(env, message);
}

bool heap_arg(napi_env env, napi_value value, const char *fn, uint8_t **data, size_t *length) {
  bool is_buffer = false, is_typed = false;
  void *bytes = NULL;
  size_t count = 0;
  if (napi_is_arraybuffer(env, value, &is_buffer) == napi_ok && is_buffer) {
    if (napi_get_arraybuffer_info(env, value, &bytes, &count) != napi_ok) bytes = NULL;
  } else if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed) {
    /* A SharedArrayBuffer (threaded wasm) is not an ArrayBuffer to N-API: callers pass a view of it. */
    napi_typedarray_type type;
    napi_value buffer;
    size_t byte_offset = 0;
    if (napi_get_typedarray_info(env, value, &type, &count, &bytes, &buffer, &byte_offset) != napi_ok || type != napi_uint8_array) {
      is_typed = false;
    }
  }
  if (!is_buffer && !is_typed) {
    throw_errorf(env, fn, "heap must be an ArrayBuffer or a Uint8Array");
    return false;
  }
  if (!bytes || count == 0) {
    throw_errorf(env, fn, "heap is empty or detached");
    return false;
  }
  *data = bytes;
  *length = count;
  return true;
}

bool exact_integer(double d, int64_t *out) {
  if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0) return false;
  *out = (int64_t)d;
  return true;
}

bool arg_integer(napi_env env, napi_value value, const char *fn, const char *name, int64_t min, int64_t max, int64_t *out) {
  double d = 0;
  if (napi_get_value_double(env, value, &d) != napi_ok) {
    throw_errorf(env, fn, "%s must be a number", name);
    return false;
  }
  if (!exact_integer(d, out)) {
    throw_errorf(env, fn, "%s must be an integer within 2^53 of 0 (got %g)", name, d);
    return false;
  }
  if (*out < min || *out > max) {
    throw_errorf(env, fn, "%s must be from %lld to %lld (got %lld)", name, (long long)min, (long long)max, (long long)*out);
    return false;
  }
  return true;
}

bool arg_number(napi_env env, napi_value value, const char *fn, const char *name, double *out) {
  if (napi_get_value_double(env, value, out) == napi_ok) return true;
  throw_errorf(env, fn, "%s must be a number", name);
  return false;
}

bool arg_boolean(napi_env env, napi_value value, const char *fn, const char *name, bool *out) {
  if (napi_get_value_bool(env, value, out) == napi_ok) return true;
  throw_errorf(env, fn, "%s must be a boolean", name);
  return false;
}

bool typed_array_arg(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *count) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t byte_offset = 0;
  if (napi_get_typedarray_info(env, value, &type, count, data, &buffer, &byte_offset) != napi_ok) return false;
  return type == want;
}

float *heap_floats(napi_env env, const char *fn, const char *arg, uint8_t *heap, size_t heap_length, int64_t offset, int64_t count) {
  /* Divides rather than multiplies: offset + 4 · count wraps for a count near 2^62. */
  if (offset < 0 || count < 0 || (uint64_t)offset > heap_length || (uint64_t)count > (heap_length - (uint64_t)offset) / 4) {
    throw_errorf(env, fn, "%s lies outside the heap: %lld floats at byte %lld, the heap has %zu bytes", arg, (long long)count, (long long)offset,
                 heap_length);
    return NULL;
  }
  if ((offset & 3) != 0) {
    throw_errorf(env, fn, "%s is misaligned: float32 data starts at a multiple of 4 bytes, not at byte %lld", arg, (long long)offset);
    return NULL;
  }
  return (float *)(heap + offset);
}

bool check_no_overlap(napi_env env, const char *fn, const char *out_name, const float *out, int64_t out_floats, const char *in_name,
                      const float *in, int64_t in_floats, bool same_ok) {
  if (out_floats == 0 || in_floats == 0 || out + out_floats <= in || in + in_floats <= out) return true;
  if (same_ok && out == in && out_floats == in_floats) return true;
  throw_errorf(env, fn, "%s overlaps %s%s", out_name, in_name, same_ok ? " (only the very same tensor may be both)" : "");
  return false;
}

/* See export_function. Uncontended, a mutex costs tens of nanoseconds: nothing beside a kernel call. */
static pthread_mutex_t kernel_lock = PTHREAD_MUTEX_INITIALIZER;

static napi_value locked_call(napi_env env, napi_callback_info info) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok || !data) return throw_error(env, "aelab native kernels: no callback");
  napi_callback callback = (napi_callback)data;
  pthread_mutex_lock(&kernel_lock);
  napi_value result = callback(env, info);
  pthread_mutex_unlock(&kernel_lock);
  return result;
}

bool export_function(napi_env env, napi_value exports, const char *name, napi_callback callback) {
  napi_value fn;
  /* The kernel travels as the function's data; POSIX (dlsym) guarantees a function pointer survives a void *. */
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, locked_call, (void *)callback, &fn) != napi_ok) return false;
  return napi_set_named_property(env, exports, name, fn) == napi_ok;
}

static float *scratch[AELAB_SCRATCH_SLOTS];
static size_t scratch_count[AELAB_SCRATCH_SLOTS];

float *scratch_floats_in(int slot, size_t count) {
  if (slot < 0 || slot >= AELAB_SCRATCH_SLOTS) return NULL;
  if (count > scratch_count[slot]) {
    float *grown = realloc(scratch[slot], count * sizeof(float));
    if (!grown) return NULL;
    scratch[slot] = grown;
    scratch_count[slot] = count;
  }
  return scratch[slot];
}

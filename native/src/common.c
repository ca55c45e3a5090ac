#include "common.h"
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

bool heap_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is_buffer = false;
  napi_is_arraybuffer(env, value, &is_buffer);
  if (is_buffer) {
    void *bytes = NULL;
    if (napi_get_arraybuffer_info(env, value, &bytes, length) != napi_ok) return false;
    *data = bytes;
    return true;
  }
  /* A SharedArrayBuffer (threaded wasm) is not an ArrayBuffer to N-API: callers pass a view of it. */
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  if (!is_typed) return false;
  napi_typedarray_type type;
  size_t count = 0;
  void *bytes = NULL;
  napi_value buffer;
  size_t byte_offset = 0;
  if (napi_get_typedarray_info(env, value, &type, &count, &bytes, &buffer, &byte_offset) != napi_ok) return false;
  if (type != napi_uint8_array) return false;
  *data = bytes;
  *length = count;
  return true;
}

bool exact_integer(double d, int64_t *out) {
  if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0) return false;
  *out = (int64_t)d;
  return true;
}

bool arg_i64(napi_env env, napi_value value, int64_t *out) {
  double d = 0;
  return napi_get_value_double(env, value, &d) == napi_ok && exact_integer(d, out);
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

bool arg_f64(napi_env env, napi_value value, double *out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

bool arg_bool(napi_env env, napi_value value, bool *out) {
  return napi_get_value_bool(env, value, out) == napi_ok;
}

float *heap_floats(napi_env env, uint8_t *heap, size_t heap_length, int64_t offset, int64_t count, const char *what) {
  if (offset < 0 || count < 0 || (offset & 3) != 0 || (uint64_t)offset + (uint64_t)count * 4 > heap_length) {
    char message[160];
    snprintf(message, sizeof message, "aelab native kernels: %s lies outside the heap or is misaligned", what);
    throw_error(env, message);
    return NULL;
  }
  return (float *)(heap + offset);
}

bool export_function(napi_env env, napi_value exports, const char *name, napi_callback callback) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, NULL, &fn) != napi_ok) return false;
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

float *scratch_floats(size_t count) {
  return scratch_floats_in(0, count);
}

/*
 * addBias: out[i, j] = x[i, j] + bias[j] over a row-major [rows, cols] float32 tensor: tfjs's Add of
 * a tensor and a bias broadcast along its last axis ([128,28,28,32] + [1,1,1,32], as the layers'
 * biasAdd makes it). Stock tfjs-backend-wasm runs its general broadcasting loop, ~4x the time of a
 * plain pass (measured on the conv decoder's 28x28x32 maps). One float32 addition per element, so
 * the result has the stock kernel's bits.
 */
#include "common.h"

/* addBias(heap, rows, cols, xOffset, biasOffset, outOffset); out may be x. */
static napi_value add_bias(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 6) return throw_error(env, "addBias(heap, rows, cols, xOffset, biasOffset, outOffset): 6 arguments expected");
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  if (!heap_bytes(env, argv[0], &heap, &heap_length)) return throw_error(env, "addBias: heap must be an ArrayBuffer or a Uint8Array");
  int64_t rows = 0, cols = 0, x_offset = 0, bias_offset = 0, out_offset = 0;
  if (!arg_i64(env, argv[1], &rows) || !arg_i64(env, argv[2], &cols) || !arg_i64(env, argv[3], &x_offset) || !arg_i64(env, argv[4], &bias_offset) ||
      !arg_i64(env, argv[5], &out_offset) || rows < 0 || cols < 0) {
    return throw_error(env, "addBias: rows, cols and offsets must be integers (rows, cols >= 0)");
  }
  if (cols > 0 && rows > INT64_MAX / cols / 4) return throw_error(env, "addBias: rows x cols is too large");
  const float *x = heap_floats(env, heap, heap_length, x_offset, rows * cols, "addBias's input");
  if (!x) return NULL;
  const float *bias = heap_floats(env, heap, heap_length, bias_offset, cols, "addBias's bias");
  if (!bias) return NULL;
  float *out = heap_floats(env, heap, heap_length, out_offset, rows * cols, "addBias's output");
  if (!out) return NULL;
  for (int64_t i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    float *to = out + i * cols;
    for (int64_t j = 0; j < cols; j++) to[j] = row[j] + bias[j];
  }
  return NULL;
}

bool register_bias_add(napi_env env, napi_value exports) {
  return export_function(env, exports, "addBias", add_bias);
}

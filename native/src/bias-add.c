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
  static const char fn[] = "addBias";
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 6) return throw_error(env, "addBias: 6 arguments expected: addBias(heap, rows, cols, xOffset, biasOffset, outOffset)");
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  if (!heap_arg(env, argv[0], fn, &heap, &heap_length)) return NULL;
  int64_t rows = 0, cols = 0, x_offset = 0, bias_offset = 0, out_offset = 0;
  if (!arg_integer(env, argv[1], fn, "rows", 0, MAX_EXACT, &rows) || !arg_integer(env, argv[2], fn, "cols", 0, MAX_EXACT, &cols) ||
      !arg_integer(env, argv[3], fn, "xOffset", -MAX_EXACT, MAX_EXACT, &x_offset) ||
      !arg_integer(env, argv[4], fn, "biasOffset", -MAX_EXACT, MAX_EXACT, &bias_offset) ||
      !arg_integer(env, argv[5], fn, "outOffset", -MAX_EXACT, MAX_EXACT, &out_offset)) {
    return NULL;
  }
  if (cols > 0 && rows > MAX_EXACT / cols) return throw_error(env, "addBias: rows x cols is larger than any heap");
  const float *x = heap_floats(env, fn, "the input (xOffset)", heap, heap_length, x_offset, rows * cols);
  if (!x) return NULL;
  const float *bias = heap_floats(env, fn, "the bias (biasOffset)", heap, heap_length, bias_offset, cols);
  if (!bias) return NULL;
  float *out = heap_floats(env, fn, "the output (outOffset)", heap, heap_length, out_offset, rows * cols);
  if (!out) return NULL;
  /* Each element is read before it is written, so out may be x itself; every row reads the whole bias. */
  if (!check_no_overlap(env, fn, "the output", out, rows * cols, "the input", x, rows * cols, true) ||
      !check_no_overlap(env, fn, "the output", out, rows * cols, "the bias", bias, cols, false)) {
    return NULL;
  }
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

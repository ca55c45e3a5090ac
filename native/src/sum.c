/*
 * sumLeading: the sum over the leading axes of a row-major float32 tensor, viewed as [rows, cols]
 * (out[j] = sum over i of x[i, j]): bias gradients, e.g. [128,512] summed over axis 0. Stock
 * tfjs-backend-wasm transposes the input first so that the reduced axes come last, then sums; here
 * the rows are added one after another into the output, which stays in cache (columns are taken in
 * blocks when a row is long). Accumulated in float32, row by row, like tfjs's cpu kernel.
 */
#include "common.h"

#define SUM_BLOCK 2048 /* columns per block: 8 KB of output, well inside L1 */

static napi_value sum_leading(napi_env env, napi_callback_info info) {
  static const char fn[] = "sumLeading";
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) return throw_error(env, "sumLeading: 5 arguments expected: sumLeading(heap, rows, cols, xOffset, outOffset)");
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  if (!heap_arg(env, argv[0], fn, &heap, &heap_length)) return NULL;
  int64_t rows = 0, cols = 0, x_offset = 0, out_offset = 0;
  if (!arg_integer(env, argv[1], fn, "rows", 0, MAX_EXACT, &rows) || !arg_integer(env, argv[2], fn, "cols", 0, MAX_EXACT, &cols) ||
      !arg_integer(env, argv[3], fn, "xOffset", -MAX_EXACT, MAX_EXACT, &x_offset) ||
      !arg_integer(env, argv[4], fn, "outOffset", -MAX_EXACT, MAX_EXACT, &out_offset)) {
    return NULL;
  }
  if (cols > 0 && rows > MAX_EXACT / cols) return throw_error(env, "sumLeading: rows x cols is larger than any heap");
  const float *x = heap_floats(env, fn, "the input (xOffset)", heap, heap_length, x_offset, rows * cols);
  if (!x) return NULL;
  float *out = heap_floats(env, fn, "the output (outOffset)", heap, heap_length, out_offset, cols);
  if (!out) return NULL;
  /* The output is zeroed, then accumulates rows it must not be part of. */
  if (!check_no_overlap(env, fn, "the output", out, cols, "the input", x, rows * cols, false)) return NULL;
  for (int64_t j0 = 0; j0 < cols; j0 += SUM_BLOCK) {
    const int64_t width = cols - j0 < SUM_BLOCK ? cols - j0 : SUM_BLOCK;
    float *restrict o = out + j0;
    for (int64_t j = 0; j < width; j++) o[j] = 0.0f;
    for (int64_t i = 0; i < rows; i++) {
      const float *restrict row = x + i * cols + j0;
      for (int64_t j = 0; j < width; j++) o[j] += row[j];
    }
  }
  return NULL;
}

bool register_sum(napi_env env, napi_value exports) {
  return export_function(env, exports, "sumLeading", sum_leading);
}

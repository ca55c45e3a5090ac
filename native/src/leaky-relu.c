/*
 * leakyRelu and its gradient, elementwise on float32 tensors on the wasm heap. tfjs computes the
 * gradient as where(x > 0, dy, dy * alpha): three kernels and two temporaries (Greater's bool mask,
 * the product), ~6% of an MLP VAE + GAN step; here one pass. Values are those of tfjs's kernels:
 * forward x < 0 ? alpha * x : x, gradient x > 0 ? dy : dy * alpha, products in float32.
 */
#include "common.h"

static bool read_offsets(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, uint8_t **heap, size_t *heap_length,
                         int64_t *n, int64_t *offsets, size_t offset_count, float *alpha, const char *usage) {
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < expected) {
    throw_error(env, usage);
    return false;
  }
  if (!heap_bytes(env, argv[0], heap, heap_length)) {
    throw_error(env, "leakyRelu: heap must be an ArrayBuffer or a Uint8Array");
    return false;
  }
  double a = 0;
  if (!arg_i64(env, argv[1], n) || *n < 0 || !arg_f64(env, argv[expected - 1], &a)) {
    throw_error(env, "leakyRelu: n must be an integer >= 0 and alpha a number");
    return false;
  }
  for (size_t i = 0; i < offset_count; i++) {
    if (!arg_i64(env, argv[2 + i], &offsets[i])) {
      throw_error(env, "leakyRelu: offsets must be integers");
      return false;
    }
  }
  *alpha = (float)a;
  return true;
}

/* leakyRelu(heap, n, xOffset, outOffset, alpha) */
static napi_value leaky_relu(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  int64_t n = 0, offsets[2];
  float alpha = 0;
  if (!read_offsets(env, info, 5, argv, &heap, &heap_length, &n, offsets, 2, &alpha, "leakyRelu(heap, n, xOffset, outOffset, alpha): 5 arguments expected")) return NULL;
  const float *x = heap_floats(env, heap, heap_length, offsets[0], n, "leakyRelu's input");
  if (!x) return NULL;
  float *out = heap_floats(env, heap, heap_length, offsets[1], n, "leakyRelu's output");
  if (!out) return NULL;
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    out[i] = v < 0.0f ? alpha * v : v;
  }
  return NULL;
}

/* leakyReluGrad(heap, n, dyOffset, xOffset, dxOffset, alpha) */
static napi_value leaky_relu_grad(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  int64_t n = 0, offsets[3];
  float alpha = 0;
  if (!read_offsets(env, info, 6, argv, &heap, &heap_length, &n, offsets, 3, &alpha, "leakyReluGrad(heap, n, dyOffset, xOffset, dxOffset, alpha): 6 arguments expected")) return NULL;
  const float *dy = heap_floats(env, heap, heap_length, offsets[0], n, "leakyReluGrad's dy");
  if (!dy) return NULL;
  const float *x = heap_floats(env, heap, heap_length, offsets[1], n, "leakyReluGrad's x");
  if (!x) return NULL;
  float *dx = heap_floats(env, heap, heap_length, offsets[2], n, "leakyReluGrad's output");
  if (!dx) return NULL;
  for (int64_t i = 0; i < n; i++) {
    const float g = dy[i];
    dx[i] = x[i] > 0.0f ? g : g * alpha;
  }
  return NULL;
}

/*
 * reluGrad(heap, n, dyOffset, xOffset, dxOffset): Relu's gradient, which tfjs computes as
 * mul(dy, cast(step(x), 'float32')): three kernels over the activation and two temporaries (on a
 * conv VAE step, ~15% of it). The same values in one pass: dy times 1 where x > 0, times 0 where
 * not (so dy < 0 gives -0, as tfjs's product does), and NaN where x is NaN (step passes NaN on).
 */
static napi_value relu_grad(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  int64_t n = 0, offsets[3];
  float unused = 0;
  if (!read_offsets(env, info, 6, argv, &heap, &heap_length, &n, offsets, 3, &unused, "reluGrad(heap, n, dyOffset, xOffset, dxOffset, 0): 6 arguments expected")) return NULL;
  const float *dy = heap_floats(env, heap, heap_length, offsets[0], n, "reluGrad's dy");
  if (!dy) return NULL;
  const float *x = heap_floats(env, heap, heap_length, offsets[1], n, "reluGrad's x");
  if (!x) return NULL;
  float *dx = heap_floats(env, heap, heap_length, offsets[2], n, "reluGrad's output");
  if (!dx) return NULL;
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    const float step = v > 0.0f ? 1.0f : (v != v ? v : 0.0f);
    dx[i] = dy[i] * step;
  }
  return NULL;
}

bool register_leaky_relu(napi_env env, napi_value exports) {
  return export_function(env, exports, "leakyRelu", leaky_relu) && export_function(env, exports, "leakyReluGrad", leaky_relu_grad) &&
         export_function(env, exports, "reluGrad", relu_grad);
}

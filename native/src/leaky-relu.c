/*
 * leakyRelu and its gradient, elementwise on float32 tensors on the wasm heap. tfjs computes the
 * gradient as where(x > 0, dy, dy * alpha): three kernels and two temporaries (Greater's bool mask,
 * the product), ~6% of an MLP VAE + GAN step; here one pass. Values are those of tfjs's kernels:
 * forward x < 0 ? alpha * x : x, gradient x > 0 ? dy : dy * alpha, products in float32.
 */
#include "common.h"
#include <stdio.h>

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

/* The arguments of a gradient kernel (heap, n, dyOffset, xOffset, dxOffset, number): dy, x, dx and the number. */
typedef struct {
  const float *dy, *x;
  float *dx;
  int64_t n;
  float number;
} GradArgs;

static bool read_grad_args(napi_env env, napi_callback_info info, const char *name, GradArgs *a) {
  napi_value argv[6];
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  int64_t offsets[3];
  char usage[96], what[48];
  snprintf(usage, sizeof usage, "%s(heap, n, dyOffset, xOffset, dxOffset, alpha): 6 arguments expected", name);
  if (!read_offsets(env, info, 6, argv, &heap, &heap_length, &a->n, offsets, 3, &a->number, usage)) return false;
  snprintf(what, sizeof what, "%s's dy", name);
  if (!(a->dy = heap_floats(env, heap, heap_length, offsets[0], a->n, what))) return false;
  snprintf(what, sizeof what, "%s's x", name);
  if (!(a->x = heap_floats(env, heap, heap_length, offsets[1], a->n, what))) return false;
  snprintf(what, sizeof what, "%s's output", name);
  return (a->dx = heap_floats(env, heap, heap_length, offsets[2], a->n, what)) != NULL;
}

/* leakyReluGrad(heap, n, dyOffset, xOffset, dxOffset, alpha) */
static napi_value leaky_relu_grad(napi_env env, napi_callback_info info) {
  GradArgs a;
  if (!read_grad_args(env, info, "leakyReluGrad", &a)) return NULL;
  for (int64_t i = 0; i < a.n; i++) {
    const float g = a.dy[i];
    a.dx[i] = a.x[i] > 0.0f ? g : g * a.number;
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
  GradArgs a;
  if (!read_grad_args(env, info, "reluGrad", &a)) return NULL;
  for (int64_t i = 0; i < a.n; i++) {
    const float v = a.x[i];
    const float step = v > 0.0f ? 1.0f : (v != v ? v : 0.0f);
    a.dx[i] = a.dy[i] * step;
  }
  return NULL;
}

bool register_leaky_relu(napi_env env, napi_value exports) {
  return export_function(env, exports, "leakyRelu", leaky_relu) && export_function(env, exports, "leakyReluGrad", leaky_relu_grad) &&
         export_function(env, exports, "reluGrad", relu_grad);
}

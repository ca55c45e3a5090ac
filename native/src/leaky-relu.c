/*
 * leakyRelu and its gradient, elementwise on float32 tensors on the wasm heap. tfjs computes the
 * gradient as where(x > 0, dy, dy * alpha): three kernels and two temporaries (Greater's bool mask,
 * the product), ~6% of an MLP VAE + GAN step; here one pass. Values are those of tfjs's kernels:
 * forward x < 0 ? alpha * x : x, gradient x > 0 ? dy : dy * alpha, products in float32.
 */
#include "common.h"
#include <stdio.h>

/* usage names the arguments: "fn(heap, n, <offset_count offsets>, alpha)". */
static bool read_offsets(napi_env env, napi_callback_info info, const char *fn, size_t expected, napi_value *argv, uint8_t **heap,
                         size_t *heap_length, int64_t *n, int64_t *offsets, const char *const *offset_names, size_t offset_count, float *alpha,
                         const char *usage) {
  size_t argc = expected;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < expected) {
    throw_errorf(env, fn, "%zu arguments expected: %s", expected, usage);
    return false;
  }
  if (!heap_arg(env, argv[0], fn, heap, heap_length)) return false;
  double a = 0;
  if (!arg_integer(env, argv[1], fn, "n", 0, MAX_EXACT, n) || !arg_number(env, argv[expected - 1], fn, "alpha", &a)) return false;
  for (size_t i = 0; i < offset_count; i++) {
    if (!arg_integer(env, argv[2 + i], fn, offset_names[i], -MAX_EXACT, MAX_EXACT, &offsets[i])) return false;
  }
  *alpha = (float)a;
  return true;
}

/* leakyRelu(heap, n, xOffset, outOffset, alpha) */
static napi_value leaky_relu(napi_env env, napi_callback_info info) {
  static const char fn[] = "leakyRelu";
  napi_value argv[5];
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  int64_t n = 0, offsets[2];
  float alpha = 0;
  static const char *const names[2] = {"xOffset", "outOffset"};
  if (!read_offsets(env, info, fn, 5, argv, &heap, &heap_length, &n, offsets, names, 2, &alpha, "leakyRelu(heap, n, xOffset, outOffset, alpha)")) {
    return NULL;
  }
  const float *x = heap_floats(env, fn, "the input (xOffset)", heap, heap_length, offsets[0], n);
  if (!x) return NULL;
  float *out = heap_floats(env, fn, "the output (outOffset)", heap, heap_length, offsets[1], n);
  if (!out) return NULL;
  /* Element by element, read before written: in place works, a shifted overlap would not. */
  if (!check_no_overlap(env, fn, "the output", out, n, "the input", x, n, true)) return NULL;
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

static bool read_grad_args(napi_env env, napi_callback_info info, const char *fn, GradArgs *a) {
  napi_value argv[6];
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  int64_t offsets[3];
  static const char *const names[3] = {"dyOffset", "xOffset", "dxOffset"};
  char usage[96];
  snprintf(usage, sizeof usage, "%s(heap, n, dyOffset, xOffset, dxOffset, alpha)", fn);
  if (!read_offsets(env, info, fn, 6, argv, &heap, &heap_length, &a->n, offsets, names, 3, &a->number, usage)) return false;
  if (!(a->dy = heap_floats(env, fn, "dy (dyOffset)", heap, heap_length, offsets[0], a->n))) return false;
  if (!(a->x = heap_floats(env, fn, "x (xOffset)", heap, heap_length, offsets[1], a->n))) return false;
  if (!(a->dx = heap_floats(env, fn, "dx (dxOffset)", heap, heap_length, offsets[2], a->n))) return false;
  return check_no_overlap(env, fn, "dx", a->dx, a->n, "dy", a->dy, a->n, true) && check_no_overlap(env, fn, "dx", a->dx, a->n, "x", a->x, a->n, true);
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

/*
 * l2Norm: the Euclidean norm over many tensors at once (a network's gradients, for the grad_norm
 * diagnostic logged every step). tfjs needs square + sum per tensor, then addN and sqrt: about
 * 2 kernels per variable per step, ~6% of an MLP VAE step on the native kernels. One pass here,
 * accumulated in double (a diagnostic: the last float32 bit may differ from tfjs's float sum).
 */
#include "common.h"
#include <math.h>
#include <stdio.h>

/*
 * Eight independent double lanes, so the compiler can vectorise without reassociating one sum
 * (a single running sum measured 1 ms per MLP VAE step, ~8% of it).
 */
static double sum_of_squares(const float *x, size_t n) {
  double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; j++) lanes[j] += (double)x[i + j] * (double)x[i + j];
  }
  double sum = 0;
  for (; i < n; i++) sum += (double)x[i] * (double)x[i];
  for (int j = 0; j < 8; j++) sum += lanes[j];
  return sum;
}

/* `slots`: a Float64Array of (byte offset, element count) pairs; `out`: byte offset of one float, written last (it may be an input). */
static napi_value l2_norm(napi_env env, napi_callback_info info) {
  static const char fn[] = "l2Norm";
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_error(env, "l2Norm: 3 arguments expected: l2Norm(heap, slots, outOffset)");
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  if (!heap_arg(env, argv[0], fn, &heap, &heap_length)) return NULL;
  double *slots = NULL;
  size_t length = 0;
  if (!typed_array_arg(env, argv[1], napi_float64_array, (void **)&slots, &length) || length % 2 != 0) {
    return throw_error(env, "l2Norm: slots must be a Float64Array of (offset, count) pairs");
  }
  int64_t out_offset = 0;
  if (!arg_integer(env, argv[2], fn, "outOffset", -MAX_EXACT, MAX_EXACT, &out_offset)) return NULL;
  float *out = heap_floats(env, fn, "the output (outOffset)", heap, heap_length, out_offset, 1);
  if (!out) return NULL;
  double sum = 0;
  for (size_t s = 0; s < length; s += 2) {
    /* Each number is read once, checked and used: slots may be a view of a SharedArrayBuffer. */
    const double offset_value = slots[s], count_value = slots[s + 1];
    int64_t offset, count;
    if (!exact_integer(offset_value, &offset) || !exact_integer(count_value, &count)) {
      return throw_errorf(env, fn, "slots[%zu] and slots[%zu] (an offset and a count) must be integers (got %g, %g)", s, s + 1, offset_value,
                          count_value);
    }
    char arg[48];
    snprintf(arg, sizeof arg, "slots[%zu] (an input)", s);
    const float *x = heap_floats(env, fn, arg, heap, heap_length, offset, count);
    if (!x) return NULL;
    sum += sum_of_squares(x, (size_t)count);
  }
  *out = (float)sqrt(sum);
  return NULL;
}

bool register_reduce(napi_env env, napi_value exports) {
  return export_function(env, exports, "l2Norm", l2_norm);
}

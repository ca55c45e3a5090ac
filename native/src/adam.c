/*
 * adam: one Adam step for every variable of an optimizer in one call, in place on the wasm heap
 * (see NativeAddon.adam in src/backend/blas/addon.ts for the arguments). It replaces the ~15 tfjs
 * kernels per variable of tfjs's AdamOptimizer.applyGradients and must give the same bits: each
 * tfjs op rounds to float32, so every step below is one float32 operation, in tfjs's order, with
 * the scalars tfjs would make (binding.gyp sets -ffp-contract=off, so no multiply-add is fused).
 */
#include "common.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

/* Per variable in `slots`: byte offsets of value, first moment, second moment, gradient; element count. */
enum { VALUE, FIRST, SECOND, GRADIENT, COUNT, SLOT_FIELDS };

/* `scalars`, each the float32 tfjs makes of the JavaScript number (1 - beta is taken in double first). */
enum { BETA1, ONE_MINUS_BETA1, BETA2, ONE_MINUS_BETA2, EPSILON, NEG_LEARNING_RATE, SCALAR_COUNT };

#define ADAM_ARGS 5

/* Each float expression must round to float32 as it goes (x87's wider intermediates would not). */
#if FLT_EVAL_METHOD != 0
#error "adam.c needs FLT_EVAL_METHOD 0 (float arithmetic in float), e.g. SSE on x86"
#endif

static bool disjoint(const float *a, const float *b, size_t count) {
  return a + count <= b || b + count <= a;
}

/* One element, the reference for the vector paths below: each line is one tfjs op, in its order. */
static inline float adam_element(float *first, float *second, float g, float value, const float *s, float one_minus_acc1,
                                 float one_minus_acc2) {
  /* add(mul(m, beta1), mul(g, 1 - beta1)) */
  const float m = first[0] * s[BETA1] + g * s[ONE_MINUS_BETA1];
  /* add(mul(v, beta2), mul(square(g), 1 - beta2)) */
  const float v = second[0] * s[BETA2] + (g * g) * s[ONE_MINUS_BETA2];
  first[0] = m;
  second[0] = v;
  /* div(m, 1 - accBeta1), div(v, 1 - accBeta2) */
  const float m_hat = m / one_minus_acc1;
  const float v_hat = v / one_minus_acc2;
  /* add(mul(div(m_hat, add(sqrt(v_hat), epsilon)), -lr), value) */
  return (m_hat / (sqrtf(v_hat) + s[EPSILON])) * s[NEG_LEARNING_RATE] + value;
}

/*
 * The update of one variable. The compiler does not vectorise adam_element's loop itself: under the
 * default -fmath-errno each sqrtf keeps a branch to the library call (for errno on a negative input),
 * and GCC 12 ignores optimize("no-math-errno") on a function. So the x86 paths spell out the same
 * operations with vector intrinsics; each vector instruction (mul, add, div, sqrt) rounds every lane
 * exactly as its scalar form does, and -ffp-contract=off keeps mul + add from becoming an FMA.
 * Other targets (arm64: clang there defaults to -fno-math-errno and vectorises) take the scalar loop.
 * `restrict` holds because adam() checks that value, moments and gradient do not overlap.
 */
static double adam_slot(float *restrict value, float *restrict first, float *restrict second, const float *restrict gradient,
                      size_t count, const float *s, float one_minus_acc1, float one_minus_acc2) {
  size_t i = 0;
  /* The gradient's sum of squares, in double, for the grad_norm diagnostic: the gradient is in registers already. */
  double squares = 0;
#if defined(__AVX__)
  {
    __m256d squares_low = _mm256_setzero_pd(), squares_high = _mm256_setzero_pd();
    const __m256 beta1 = _mm256_set1_ps(s[BETA1]), one_minus_beta1 = _mm256_set1_ps(s[ONE_MINUS_BETA1]);
    const __m256 beta2 = _mm256_set1_ps(s[BETA2]), one_minus_beta2 = _mm256_set1_ps(s[ONE_MINUS_BETA2]);
    const __m256 epsilon = _mm256_set1_ps(s[EPSILON]), neg_lr = _mm256_set1_ps(s[NEG_LEARNING_RATE]);
    const __m256 oma1 = _mm256_set1_ps(one_minus_acc1), oma2 = _mm256_set1_ps(one_minus_acc2);
    for (; i + 8 <= count; i += 8) {
      const __m256 g = _mm256_loadu_ps(gradient + i);
      const __m256d g_low = _mm256_cvtps_pd(_mm256_castps256_ps128(g)), g_high = _mm256_cvtps_pd(_mm256_extractf128_ps(g, 1));
      squares_low = _mm256_add_pd(squares_low, _mm256_mul_pd(g_low, g_low));
      squares_high = _mm256_add_pd(squares_high, _mm256_mul_pd(g_high, g_high));
      const __m256 m = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(first + i), beta1), _mm256_mul_ps(g, one_minus_beta1));
      const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(second + i), beta2), _mm256_mul_ps(_mm256_mul_ps(g, g), one_minus_beta2));
      _mm256_storeu_ps(first + i, m);
      _mm256_storeu_ps(second + i, v);
      const __m256 m_hat = _mm256_div_ps(m, oma1);
      const __m256 v_hat = _mm256_div_ps(v, oma2);
      const __m256 step = _mm256_mul_ps(_mm256_div_ps(m_hat, _mm256_add_ps(_mm256_sqrt_ps(v_hat), epsilon)), neg_lr);
      _mm256_storeu_ps(value + i, _mm256_add_ps(step, _mm256_loadu_ps(value + i)));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(squares_low, squares_high));
    squares = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  }
#elif defined(__SSE2__)
  {
    __m128d squares_low = _mm_setzero_pd(), squares_high = _mm_setzero_pd();
    const __m128 beta1 = _mm_set1_ps(s[BETA1]), one_minus_beta1 = _mm_set1_ps(s[ONE_MINUS_BETA1]);
    const __m128 beta2 = _mm_set1_ps(s[BETA2]), one_minus_beta2 = _mm_set1_ps(s[ONE_MINUS_BETA2]);
    const __m128 epsilon = _mm_set1_ps(s[EPSILON]), neg_lr = _mm_set1_ps(s[NEG_LEARNING_RATE]);
    const __m128 oma1 = _mm_set1_ps(one_minus_acc1), oma2 = _mm_set1_ps(one_minus_acc2);
    for (; i + 4 <= count; i += 4) {
      const __m128 g = _mm_loadu_ps(gradient + i);
      const __m128d g_low = _mm_cvtps_pd(g), g_high = _mm_cvtps_pd(_mm_movehl_ps(g, g));
      squares_low = _mm_add_pd(squares_low, _mm_mul_pd(g_low, g_low));
      squares_high = _mm_add_pd(squares_high, _mm_mul_pd(g_high, g_high));
      const __m128 m = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(first + i), beta1), _mm_mul_ps(g, one_minus_beta1));
      const __m128 v = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(second + i), beta2), _mm_mul_ps(_mm_mul_ps(g, g), one_minus_beta2));
      _mm_storeu_ps(first + i, m);
      _mm_storeu_ps(second + i, v);
      const __m128 m_hat = _mm_div_ps(m, oma1);
      const __m128 v_hat = _mm_div_ps(v, oma2);
      const __m128 step = _mm_mul_ps(_mm_div_ps(m_hat, _mm_add_ps(_mm_sqrt_ps(v_hat), epsilon)), neg_lr);
      _mm_storeu_ps(value + i, _mm_add_ps(step, _mm_loadu_ps(value + i)));
    }
    double lanes[2];
    _mm_storeu_pd(lanes, _mm_add_pd(squares_low, squares_high));
    squares = lanes[0] + lanes[1];
  }
#endif
  /* The tail (and the whole of it on other targets). */
  for (; i < count; i++) {
    squares += (double)gradient[i] * (double)gradient[i];
    value[i] = adam_element(first + i, second + i, gradient[i], value[i], s, one_minus_acc1, one_minus_acc2);
  }
  return squares;
}

/* A variable's memory as checked: adam writes only through these, never through re-read offsets. */
typedef struct {
  float *p[COUNT];
  size_t count;
} Slot;

static napi_value adam(napi_env env, napi_callback_info info) {
  static const char fn[] = "adam";
  size_t argc = ADAM_ARGS;
  napi_value argv[ADAM_ARGS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < ADAM_ARGS) {
    return throw_error(env, "adam: expected 5 arguments (heap, accBeta1Offset, accBeta2Offset, slots, scalars)");
  }
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  if (!heap_arg(env, argv[0], fn, &heap, &heap_length)) return NULL;

  int64_t acc1_offset, acc2_offset;
  if (!arg_integer(env, argv[1], fn, "accBeta1Offset", -MAX_EXACT, MAX_EXACT, &acc1_offset) ||
      !arg_integer(env, argv[2], fn, "accBeta2Offset", -MAX_EXACT, MAX_EXACT, &acc2_offset)) {
    return NULL;
  }
  double *fields = NULL;
  size_t field_count = 0;
  if (!typed_array_arg(env, argv[3], napi_float64_array, (void **)&fields, &field_count) || field_count % SLOT_FIELDS != 0) {
    return throw_error(env, "adam: slots must be a Float64Array of 5 numbers per variable");
  }
  const float *scalar_data = NULL;
  size_t scalar_count = 0;
  if (!typed_array_arg(env, argv[4], napi_float32_array, (void **)&scalar_data, &scalar_count) || scalar_count != SCALAR_COUNT) {
    return throw_error(env, "adam: scalars must be a Float32Array [beta1, 1 - beta1, beta2, 1 - beta2, epsilon, -learningRate]");
  }
  /* Typed arrays may be views of a SharedArrayBuffer that another thread writes: read each number once. */
  float scalars[SCALAR_COUNT];
  memcpy(scalars, scalar_data, sizeof scalars);

  float *acc1 = heap_floats(env, fn, "accBeta1 (accBeta1Offset)", heap, heap_length, acc1_offset, 1);
  if (!acc1) return NULL;
  float *acc2 = heap_floats(env, fn, "accBeta2 (accBeta2Offset)", heap, heap_length, acc2_offset, 1);
  if (!acc2) return NULL;
  if (acc1 == acc2) return throw_error(env, "adam: accBeta1 and accBeta2 share their memory");

  /* Every slot is checked before any is written, so a bad call leaves the heap as it was. */
  const size_t slot_count = field_count / SLOT_FIELDS;
  Slot *slots = malloc((slot_count ? slot_count : 1) * sizeof(Slot));
  if (!slots) return throw_error(env, "adam: out of memory for the slots");
  static const char *what[COUNT] = {"value", "first moment", "second moment", "gradient"};
  for (size_t i = 0; i < slot_count; i++) {
    double f[SLOT_FIELDS];
    memcpy(f, fields + i * SLOT_FIELDS, sizeof f);
    int64_t offsets[COUNT], count;
    char arg[64];
    for (int j = 0; j < COUNT; j++) {
      snprintf(arg, sizeof arg, "slots[%zu] (variable %zu's %s)", i * SLOT_FIELDS + j, i, what[j]);
      if (!exact_integer(f[j], &offsets[j])) {
        free(slots);
        return throw_errorf(env, fn, "%s must be an integer byte offset (got %g)", arg, f[j]);
      }
    }
    if (!exact_integer(f[COUNT], &count)) {
      free(slots);
      return throw_errorf(env, fn, "slots[%zu] (variable %zu's count) must be an integer (got %g)", i * SLOT_FIELDS + COUNT, i, f[COUNT]);
    }
    for (int j = 0; j < COUNT; j++) {
      snprintf(arg, sizeof arg, "slots[%zu] (variable %zu's %s)", i * SLOT_FIELDS + j, i, what[j]);
      if (!(slots[i].p[j] = heap_floats(env, fn, arg, heap, heap_length, offsets[j], count))) {
        free(slots);
        return NULL;
      }
    }
    slots[i].count = (size_t)count;
    /* adam_slot's `restrict`: value, moments and gradient are written and read element by element together. */
    float *const *p = slots[i].p;
    const size_t n = slots[i].count;
    if (n > 0 && !(disjoint(p[VALUE], p[FIRST], n) && disjoint(p[VALUE], p[SECOND], n) && disjoint(p[FIRST], p[SECOND], n) &&
                   disjoint(p[GRADIENT], p[VALUE], n) && disjoint(p[GRADIENT], p[FIRST], n) && disjoint(p[GRADIENT], p[SECOND], n))) {
      free(slots);
      return throw_errorf(env, fn, "variable %zu's value, moments and gradient (slots[%zu..%zu]) must not share memory", i, i * SLOT_FIELDS,
                          i * SLOT_FIELDS + COUNT);
    }
  }

  /* sub(1, accBeta1) and sub(1, accBeta2), taken once before any variable, as tfjs does. */
  const float a1 = *acc1, a2 = *acc2;
  const float one_minus_acc1 = 1.0f - a1, one_minus_acc2 = 1.0f - a2;
#if defined(__SSE2__)
  /*
   * Flush denormals to zero (FTZ) and read them as zero (DAZ) during the update. A weight whose
   * gradient stays 0 (a dead unit, an always-black pixel) has its moments decay by beta each step into
   * float32's denormal range (below 1.2e-38, after ~800 steps for beta1 = 0.9), where every operation
   * takes a microcode assist: measured, the MLP VAE's Adam went from 0.9 to 11 ms a step at step 800.
   * Such values are 0 to every purpose; results stay bit-identical to tfjs's Adam until one appears.
   */
  const unsigned int saved_csr = _mm_getcsr();
  _mm_setcsr(saved_csr | 0x8040u); /* FTZ (bit 15) | DAZ (bit 6) */
#endif
  double squares = 0;
  for (size_t i = 0; i < slot_count; i++) {
    float *const *p = slots[i].p;
    squares += adam_slot(p[VALUE], p[FIRST], p[SECOND], p[GRADIENT], slots[i].count, scalars, one_minus_acc1, one_minus_acc2);
  }
#if defined(__SSE2__)
  _mm_setcsr(saved_csr);
#endif
  free(slots);
  /* accBeta.assign(mul(accBeta, beta)): the float32 product, once per call. */
  *acc1 = a1 * scalars[BETA1];
  *acc2 = a2 * scalars[BETA2];
  /* The gradients' sum of squares over all slots: ‖g‖² for the caller's diagnostics, free here. */
  napi_value result;
  if (napi_create_double(env, squares, &result) != napi_ok) return throw_error(env, "adam: could not return the gradients' sum of squares");
  return result;
}

bool register_adam(napi_env env, napi_value exports) {
  return export_function(env, exports, "adam", adam);
}

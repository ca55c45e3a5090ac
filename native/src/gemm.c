/*
 * gemm: a batched row-major sgemm on the wasm heap, with the bias and activation of tfjs's
 * _FusedMatMul applied in the same pass over the output (see NativeAddon.gemm in
 * src/backend/blas/addon.ts for the argument list).
 */
#include "common.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Codes shared with ACTIVATIONS in src/backend/blas/addon.ts. */
enum activation { LINEAR = 0, RELU = 1, RELU6 = 2, SIGMOID = 3, ELU = 4, LEAKYRELU = 5 };

#define GEMM_ARGS 17

/*
 * Every batch's operand lies inside the heap. Strides are non-negative, so the operands of batches
 * between the first and the last lie between theirs: checking those two covers all.
 */
static float *batched_floats(napi_env env, uint8_t *heap, size_t heap_length, int64_t offset, int64_t stride, int64_t batch,
                             int64_t count, const char *what) {
  if (stride < 0 || (stride & 3) != 0) {
    throw_error(env, "aelab native kernels: gemm's strides must be non-negative multiples of 4 bytes");
    return NULL;
  }
  float *first = heap_floats(env, heap, heap_length, offset, count, what);
  if (!first || batch < 2 || stride == 0) return first;
  /* Divides rather than multiplies: stride · (batch - 1) may overflow. */
  if ((uint64_t)(batch - 1) > (uint64_t)heap_length / (uint64_t)stride) {
    char message[160];
    snprintf(message, sizeof message, "aelab native kernels: the last batch of %s lies outside the heap", what);
    throw_error(env, message);
    return NULL;
  }
  return heap_floats(env, heap, heap_length, offset + stride * (batch - 1), count, what) ? first : NULL;
}

/*
 * The epilogue, matching tfjs's cpu kernels (Add, then Relu, Relu6, Sigmoid, Elu, LeakyRelu) to the
 * float32 rounding: the transcendental ones are computed in double as JavaScript does, then rounded.
 */
static void epilogue(float *c, int64_t rows, int64_t n, const float *bias, int64_t bias_length, int activation, double alpha) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = c + r * n;
    if (bias) {
      if (bias_length == 1) {
        const float b = bias[0];
        for (int64_t j = 0; j < n; j++) row[j] += b;
      } else {
        for (int64_t j = 0; j < n; j++) row[j] += bias[j];
      }
    }
    switch (activation) {
      case RELU:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j];
        break;
      case RELU6:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j] > 6.0f ? 6.0f : row[j];
        break;
      case SIGMOID:
        for (int64_t j = 0; j < n; j++) row[j] = (float)(1.0 / (1.0 + exp(-(double)row[j])));
        break;
      case ELU:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] >= 0.0f ? row[j] : (float)(exp((double)row[j]) - 1.0);
        break;
      case LEAKYRELU:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? (float)(alpha * (double)row[j]) : row[j];
        break;
      default: /* LINEAR */
        break;
    }
  }
}

static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = GEMM_ARGS;
  napi_value argv[GEMM_ARGS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < GEMM_ARGS) {
    return throw_error(env, "gemm: expected 17 arguments (heap, batch, m, n, k, transposeA, transposeB, aOffset, bOffset, cOffset, "
                            "strideA, strideB, strideC, biasOffset, biasLength, activation, alpha)");
  }
  uint8_t *heap = NULL;
  size_t heap_length = 0;
  if (!heap_bytes(env, argv[0], &heap, &heap_length)) return throw_error(env, "gemm: heap must be an ArrayBuffer or a Uint8Array");

  int64_t batch, m, n, k, a_offset, b_offset, c_offset, stride_a, stride_b, stride_c, bias_offset, bias_length, activation;
  bool transpose_a, transpose_b;
  double alpha;
  if (!arg_i64(env, argv[1], &batch) || !arg_i64(env, argv[2], &m) || !arg_i64(env, argv[3], &n) ||
      !arg_i64(env, argv[4], &k) || !arg_bool(env, argv[5], &transpose_a) || !arg_bool(env, argv[6], &transpose_b) ||
      !arg_i64(env, argv[7], &a_offset) || !arg_i64(env, argv[8], &b_offset) || !arg_i64(env, argv[9], &c_offset) ||
      !arg_i64(env, argv[10], &stride_a) || !arg_i64(env, argv[11], &stride_b) || !arg_i64(env, argv[12], &stride_c) ||
      !arg_i64(env, argv[13], &bias_offset) || !arg_i64(env, argv[14], &bias_length) ||
      !arg_i64(env, argv[15], &activation) || !arg_f64(env, argv[16], &alpha)) {
    return throw_error(env, "gemm: the sizes, offsets, strides and codes must be integers, the flags booleans, alpha a number");
  }
  /* cblas takes int sizes (LP64 OpenBLAS, Accelerate). */
  if (batch < 0 || m < 0 || n < 0 || k < 0 || batch > INT_MAX || m > INT_MAX || n > INT_MAX || k > INT_MAX) {
    return throw_error(env, "gemm: batch, m, n and k must be integers in [0, 2^31)");
  }
  if (activation < LINEAR || activation > LEAKYRELU) return throw_error(env, "gemm: unknown activation code");
  if (bias_offset != -1 && bias_length != 1 && bias_length != n) return throw_error(env, "gemm: biasLength must be 1 or n");
  if (batch == 0 || m == 0 || n == 0) return NULL;

  float *a = batched_floats(env, heap, heap_length, a_offset, stride_a, batch, m * k, "gemm's a");
  if (!a) return NULL;
  float *b = batched_floats(env, heap, heap_length, b_offset, stride_b, batch, k * n, "gemm's b");
  if (!b) return NULL;
  float *c = batched_floats(env, heap, heap_length, c_offset, stride_c, batch, m * n, "gemm's c");
  if (!c) return NULL;
  const float *bias = NULL;
  if (bias_offset != -1 && !(bias = heap_floats(env, heap, heap_length, bias_offset, bias_length, "gemm's bias"))) return NULL;

  /* With one output written for every batch, a stride under m·n would let batches overwrite each other. */
  if (batch > 1 && stride_c < m * n * 4) return throw_error(env, "gemm: strideC must be at least m * n * 4 bytes");

  /* Leading dimensions are at least 1, as cblas requires even for an empty k. */
  const int lda = (int)(transpose_a ? m : (k > 0 ? k : 1));
  const int ldb = (int)(transpose_b ? (k > 0 ? k : 1) : n);
  for (int64_t i = 0; i < batch; i++) {
    float *ci = (float *)((uint8_t *)c + i * stride_c);
    if (k == 0) {
      memset(ci, 0, (size_t)(m * n) * sizeof(float)); /* an empty sum, as tfjs gives */
    } else {
      cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                  1.0f, (const float *)((const uint8_t *)a + i * stride_a), lda, (const float *)((const uint8_t *)b + i * stride_b), ldb,
                  0.0f, ci, (int)n);
    }
    if (bias || activation != LINEAR) epilogue(ci, m, n, bias, bias_length, (int)activation, alpha);
  }
  return NULL;
}

bool register_gemm(napi_env env, napi_value exports) {
  return export_function(env, exports, "gemm", gemm);
}

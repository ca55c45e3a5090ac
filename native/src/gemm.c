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
 * The product is cut into parts fixed by (m, n, k) alone: the larger of C's rows and columns is
 * split into at most GEMM_MAX_PARTS ranges, each at least GEMM_PART_WIDTH wide and GEMM_PART_WORK
 * multiply-adds. Each part is one single-threaded sgemm, and threads take whole parts, so the bits
 * depend on the shape, never on the thread count. Fixed matters, not only single-threaded: on
 * OpenBLAS's Haswell kernels a single-threaded sgemm's bits depend on the rows it is given (a 128x256
 * product with k = 20 computed as 64 + 64 rows differed from one call in 1779 of 32768 outputs; as
 * 48 + 80 rows, in none).
 * The price is packing the other operand once per part and narrower sgemms. Measured on the MLP VAE's
 * layers (batch 128, Cooperlake): with parts at least 128 wide, 2 threads as fast as OpenBLAS's own
 * threading (±3%) and 1 thread 1-6% slower than one sgemm; 64 wide cost up to 8% at 1 thread, and 256
 * wide left a 256-wide layer in one part and a 784-wide one in three (2 threads 1.3-2x slower).
 */
#define GEMM_MAX_PARTS 16
#define GEMM_PART_WORK ((double)(1 << 22))
#define GEMM_PART_WIDTH 128
/* Part edges fall on multiples of 16 floats (64 bytes): neighbouring parts of aligned rows share no cache line. */
#define GEMM_BLOCK 16

/*
 * Every batch's operand lies inside the heap. Strides are non-negative, so the operands of batches
 * between the first and the last lie between theirs: checking those two covers all.
 */
static float *batched_floats(napi_env env, uint8_t *heap, size_t heap_length, int64_t offset, int64_t stride, int64_t batch,
                             int64_t count, const char *arg, const char *stride_name) {
  if ((stride & 3) != 0) {
    throw_errorf(env, "gemm", "%s must be a multiple of 4 bytes (got %lld)", stride_name, (long long)stride);
    return NULL;
  }
  float *first = heap_floats(env, "gemm", arg, heap, heap_length, offset, count);
  if (!first || batch < 2 || stride == 0) return first;
  /* Divides rather than multiplies: stride · (batch - 1) may overflow. */
  if ((uint64_t)(batch - 1) > (uint64_t)heap_length / (uint64_t)stride) {
    throw_errorf(env, "gemm", "the last batch of %s lies outside the heap", arg);
    return NULL;
  }
  return heap_floats(env, "gemm", arg, heap, heap_length, offset + stride * (batch - 1), count) ? first : NULL;
}

/* The floats from a batched operand's first element to its last batch's end (it lies inside the heap). */
static int64_t batched_span(int64_t stride, int64_t batch, int64_t count) {
  return stride / 4 * (batch - 1) + count;
}

/*
 * The epilogue, matching tfjs's cpu kernels (Add, then Relu, Relu6, Sigmoid, Elu, LeakyRelu) to the
 * float32 rounding: the transcendental ones are computed in double as JavaScript does, then rounded.
 * `bias` is the part's own columns (or the one value).
 */
static void epilogue(float *c, int64_t rows, int64_t cols, int64_t ldc, const float *bias, bool scalar_bias, int activation, double alpha) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    if (bias) {
      if (scalar_bias) {
        const float b = bias[0];
        for (int64_t j = 0; j < cols; j++) row[j] += b;
      } else {
        for (int64_t j = 0; j < cols; j++) row[j] += bias[j];
      }
    }
    switch (activation) {
      case RELU:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j];
        break;
      case RELU6:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j] > 6.0f ? 6.0f : row[j];
        break;
      case SIGMOID:
        for (int64_t j = 0; j < cols; j++) row[j] = (float)(1.0 / (1.0 + exp(-(double)row[j])));
        break;
      case ELU:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] >= 0.0f ? row[j] : (float)(exp((double)row[j]) - 1.0);
        break;
      case LEAKYRELU:
        for (int64_t j = 0; j < cols; j++) row[j] = row[j] < 0.0f ? (float)(alpha * (double)row[j]) : row[j];
        break;
      default: /* LINEAR */
        break;
    }
  }
}

typedef struct {
  const uint8_t *a, *b;
  uint8_t *c;
  int64_t stride_a, stride_b, stride_c;
  int64_t m, n, k;
  bool transpose_a, transpose_b, split_rows;
  int64_t parts, blocks; /* parts per batch; GEMM_BLOCK-wide blocks along the split side */
  const float *bias;
  int64_t bias_length;
  int activation;
  double alpha;
} GemmJob;

static int64_t gemm_parts(int64_t m, int64_t n, int64_t k) {
#ifdef AELAB_ACCELERATE
  return 1; /* Accelerate threads its sgemm itself: smaller ones would only be slower */
#else
  const int64_t side = n >= m ? n : m;
  const double work = (double)m * (double)n * (double)k;
  int64_t parts = GEMM_MAX_PARTS;
  if (parts > side / GEMM_PART_WIDTH) parts = side / GEMM_PART_WIDTH;
  if (parts > work / GEMM_PART_WORK) parts = (int64_t)(work / GEMM_PART_WORK);
  return parts < 1 ? 1 : parts;
#endif
}

/* Task `task` = batch · parts + part: C's rows (or columns) [from, to) of one batch. */
static void gemm_part(void *arg, int64_t task, int slot) {
  const GemmJob *job = arg;
  const int64_t batch = task / job->parts, part = task % job->parts;
  const int64_t m = job->m, n = job->n, k = job->k, side = job->split_rows ? m : n;
  const int64_t from = part * job->blocks / job->parts * GEMM_BLOCK;
  int64_t to = (part + 1) * job->blocks / job->parts * GEMM_BLOCK;
  if (to > side) to = side;
  const float *a = (const float *)(job->a + batch * job->stride_a), *b = (const float *)(job->b + batch * job->stride_b);
  float *c = (float *)(job->c + batch * job->stride_c);
  const float *bias = job->bias;
  const bool scalar_bias = job->bias_length == 1;
  int64_t rows = m, cols = n;
  if (job->split_rows) {
    a += job->transpose_a ? from : from * k; /* A is stored [K, M] when transposed */
    c += from * n;
    rows = to - from;
  } else {
    b += job->transpose_b ? from * k : from; /* B is stored [N, K] when transposed */
    c += from;
    if (bias && !scalar_bias) bias += from;
    cols = to - from;
  }
  /* Leading dimensions are those of the whole matrices; k > 0 here. */
  cblas_sgemm(CblasRowMajor, job->transpose_a ? CblasTrans : CblasNoTrans, job->transpose_b ? CblasTrans : CblasNoTrans, (int)rows, (int)cols,
              (int)k, 1.0f, a, (int)(job->transpose_a ? m : k), b, (int)(job->transpose_b ? k : n), 0.0f, c, (int)n);
  if (bias || job->activation != LINEAR) epilogue(c, rows, cols, n, bias, scalar_bias, job->activation, job->alpha);
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
  if (!heap_arg(env, argv[0], "gemm", &heap, &heap_length)) return NULL;

  /* cblas takes int sizes (LP64 OpenBLAS, Accelerate). */
  int64_t batch, m, n, k, a_offset, b_offset, c_offset, stride_a, stride_b, stride_c, bias_offset, bias_length, activation;
  bool transpose_a, transpose_b;
  double alpha;
  if (!arg_integer(env, argv[1], "gemm", "batch", 0, INT_MAX, &batch) || !arg_integer(env, argv[2], "gemm", "m", 0, INT_MAX, &m) ||
      !arg_integer(env, argv[3], "gemm", "n", 0, INT_MAX, &n) || !arg_integer(env, argv[4], "gemm", "k", 0, INT_MAX, &k) ||
      !arg_boolean(env, argv[5], "gemm", "transposeA", &transpose_a) || !arg_boolean(env, argv[6], "gemm", "transposeB", &transpose_b) ||
      !arg_integer(env, argv[7], "gemm", "aOffset", -MAX_EXACT, MAX_EXACT, &a_offset) ||
      !arg_integer(env, argv[8], "gemm", "bOffset", -MAX_EXACT, MAX_EXACT, &b_offset) ||
      !arg_integer(env, argv[9], "gemm", "cOffset", -MAX_EXACT, MAX_EXACT, &c_offset) ||
      !arg_integer(env, argv[10], "gemm", "strideA", 0, MAX_EXACT, &stride_a) ||
      !arg_integer(env, argv[11], "gemm", "strideB", 0, MAX_EXACT, &stride_b) ||
      !arg_integer(env, argv[12], "gemm", "strideC", 0, MAX_EXACT, &stride_c) ||
      !arg_integer(env, argv[13], "gemm", "biasOffset", -MAX_EXACT, MAX_EXACT, &bias_offset) ||
      !arg_integer(env, argv[14], "gemm", "biasLength", -MAX_EXACT, MAX_EXACT, &bias_length) ||
      !arg_integer(env, argv[15], "gemm", "activation", LINEAR, LEAKYRELU, &activation) || !arg_number(env, argv[16], "gemm", "alpha", &alpha)) {
    return NULL;
  }
  if (bias_offset != -1 && bias_length != 1 && bias_length != n) {
    return throw_errorf(env, "gemm", "biasLength must be 1 or n = %lld (got %lld)", (long long)n, (long long)bias_length);
  }
  if (batch == 0 || m == 0 || n == 0) return NULL;

  float *a = batched_floats(env, heap, heap_length, a_offset, stride_a, batch, m * k, "a (aOffset)", "strideA");
  if (!a) return NULL;
  float *b = batched_floats(env, heap, heap_length, b_offset, stride_b, batch, k * n, "b (bOffset)", "strideB");
  if (!b) return NULL;
  float *c = batched_floats(env, heap, heap_length, c_offset, stride_c, batch, m * n, "c (cOffset)", "strideC");
  if (!c) return NULL;
  const float *bias = NULL;
  if (bias_offset != -1 && !(bias = heap_floats(env, "gemm", "the bias (biasOffset)", heap, heap_length, bias_offset, bias_length))) return NULL;

  /* With one output written for every batch, a stride under m·n would let batches overwrite each other. */
  if (batch > 1 && stride_c < m * n * 4) {
    return throw_errorf(env, "gemm", "strideC must be at least m * n * 4 = %lld bytes (got %lld)", (long long)(m * n * 4), (long long)stride_c);
  }
  /* sgemm reads A and B while it writes C, and every row of C reads the whole bias. */
  const int64_t c_span = batched_span(stride_c, batch, m * n);
  if (!check_no_overlap(env, "gemm", "c", c, c_span, "a", a, batched_span(stride_a, batch, m * k), false) ||
      !check_no_overlap(env, "gemm", "c", c, c_span, "b", b, batched_span(stride_b, batch, k * n), false) ||
      (bias && !check_no_overlap(env, "gemm", "c", c, c_span, "the bias", bias, bias_length, false))) {
    return NULL;
  }

  if (k == 0) { /* an empty sum, as tfjs gives */
    for (int64_t i = 0; i < batch; i++) {
      float *ci = (float *)((uint8_t *)c + i * stride_c);
      memset(ci, 0, (size_t)(m * n) * sizeof(float));
      if (bias || activation != LINEAR) epilogue(ci, m, n, n, bias, bias_length == 1, (int)activation, alpha);
    }
    return NULL;
  }
  const int64_t parts = gemm_parts(m, n, k);
  GemmJob job = {
      .a = (const uint8_t *)a, .b = (const uint8_t *)b, .c = (uint8_t *)c, .stride_a = stride_a, .stride_b = stride_b, .stride_c = stride_c,
      .m = m, .n = n, .k = k, .transpose_a = transpose_a, .transpose_b = transpose_b, .split_rows = m > n,
      .parts = parts, .blocks = ((m > n ? m : n) + GEMM_BLOCK - 1) / GEMM_BLOCK,
      .bias = bias, .bias_length = bias_length, .activation = (int)activation, .alpha = alpha,
  };
  /* Starting threads costs more than a small product takes. */
  const bool small = (double)batch * (double)m * (double)n * (double)k < GEMM_PART_WORK;
  run_parts(&job, batch * parts, small ? 1 : kernel_threads(), gemm_part);
  return NULL;
}

bool register_gemm(napi_env env, napi_value exports) {
  return export_function(env, exports, "gemm", gemm);
}

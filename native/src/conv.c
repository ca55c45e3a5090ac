/*
 * 2-D convolution and its two gradients as im2col + sgemm, in place on the wasm heap.
 * NHWC data, HWIO filters, dilation 1, any stride, explicit padding (the caller resolves 'same').
 *
 * The column matrix has one row per output pixel (b, oh, ow) and one column per filter tap
 * (fh, fw, ci), in the HWIO filter's own order, so the filter is already the [K, Co] right-hand side
 * and the NHWC output is already the [rows, Co] product:
 *   y  = col · W            (forward)
 *   dx = col2im(dy · Wᵀ)    (input gradient: scatter-add of each row back to its input pixels)
 *   dW = colᵀ · dy          (weight gradient)
 * Rows are processed in chunks whose columns fit a fixed scratch budget (scratch_floats_in, off the wasm
 * heap): on the models' layers a few images per sgemm, for a huge image part of one. Chunks keep the
 * columns in cache between im2col and sgemm, which whole-batch columns (tens of MiB) do not.
 *
 * Threads: the batch is split into a fixed number of parts of whole images (CONV_PARTS, whatever
 * the thread count), and the kernels' threads (run_parts) each take parts, running a
 * single-threaded sgemm on their own columns. im2col and col2im then run on every core too (with 2
 * BLAS threads on one sgemm they ran on one), and threads never write the same output: a part's
 * rows, a part's images of dx, a part's own partial dW, summed in part order at the end. Since the
 * parts and their chunks do not depend on the thread count, and every sgemm is single-threaded
 * (common.c), neither do the results. (Small jobs once ran their parts with the BLAS's own threads
 * inside each sgemm: on OpenBLAS's Haswell kernels 1, 2 and 3 threads then gave different bits.)
 */
#include "common.h"
#include <limits.h>
#include <stdatomic.h>
#include <string.h>

/* Geometry slots, shared with src/backend/blas/addon.ts (conv2d's doc comment). */
enum {
  G_BATCH, G_IN_H, G_IN_W, G_IN_C, G_OUT_H, G_OUT_W, G_OUT_C, G_FILTER_H, G_FILTER_W,
  G_STRIDE_H, G_STRIDE_W, G_PAD_TOP, G_PAD_LEFT,
  G_REQUIRED, /* the slots every function reads */
  G_BIAS_OFFSET = G_REQUIRED, G_BIAS_LENGTH, G_ACTIVATION,
  G_FUSED, /* conv2d also reads these when present */
};

/* Activation codes of ACTIVATIONS in addon.ts that conv2d applies itself; the others stay in JS. */
enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2 };

/*
 * Column floats per chunk. Measured roughly at batch 128 on the models' layers (encoder, decoder and
 * discriminator, forward and both gradients): 128 Ki floats (512 KiB, a few images of a 14x14x32 layer)
 * was fastest; 4 Ki was ~1.5x slower (small sgemms), and whole-batch columns (29 MiB for the decoder's
 * 28x28x32 layer, out of cache before sgemm reads them) up to ~3x slower with 2 BLAS threads.
 */
#ifndef AELAB_CONV_CHUNK_FLOATS
#define AELAB_CONV_CHUNK_FLOATS (128 * 1024)
#endif

/* Tensors larger than this many floats cannot lie in a 4 GiB heap; checking first keeps products exact. */
#define MAX_FLOATS ((int64_t)1 << 40)

typedef struct {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
  int64_t taps;      /* K = filter_h · filter_w · in_c, the columns */
  int64_t rows;      /* batch · out_h · out_w, the output pixels */
  int64_t x_count, y_count, w_count;
  bool identity;     /* 1x1, stride 1, no padding: the input already is the column matrix */
} Geometry;

/* a · b, or false when it exceeds MAX_FLOATS (both are >= 0). */
static bool mul_limited(int64_t a, int64_t b, int64_t *out) {
  if (a != 0 && b > MAX_FLOATS / a) return false;
  *out = a * b;
  return *out <= MAX_FLOATS;
}

static bool read_geometry(napi_env env, const char *fn, napi_value value, Geometry *g, int32_t fused[3]) {
  size_t length = 0;
  void *data = NULL;
  if (!typed_array_arg(env, value, napi_int32_array, &data, &length) || length < G_REQUIRED) {
    throw_errorf(env, fn, "geometry must be an Int32Array of at least 13 numbers");
    return false;
  }
  /* Copied before it is checked: a view of a SharedArrayBuffer may change under us. */
  int32_t v[G_FUSED];
  memcpy(v, data, (length < G_FUSED ? length : G_FUSED) * sizeof(int32_t));
  for (int i = 0; i < G_PAD_TOP; i++) {
    int32_t min = (i >= G_FILTER_H) ? 1 : 0; /* filter sizes and strides are positive, counts may be 0 */
    if (v[i] < min) {
      throw_errorf(env, fn, "geometry[%d] is %d: sizes must be >= 0, filter sizes and strides >= 1", i, (int)v[i]);
      return false;
    }
  }
  *g = (Geometry){
      .batch = v[G_BATCH], .in_h = v[G_IN_H], .in_w = v[G_IN_W], .in_c = v[G_IN_C],
      .out_h = v[G_OUT_H], .out_w = v[G_OUT_W], .out_c = v[G_OUT_C],
      .filter_h = v[G_FILTER_H], .filter_w = v[G_FILTER_W], .stride_h = v[G_STRIDE_H], .stride_w = v[G_STRIDE_W],
      .pad_top = v[G_PAD_TOP], .pad_left = v[G_PAD_LEFT],
  };
  int64_t t;
  if (!mul_limited(g->filter_h, g->filter_w, &t) || !mul_limited(t, g->in_c, &g->taps) || !mul_limited(g->taps, g->out_c, &g->w_count) ||
      !mul_limited(g->batch, g->in_h, &t) || !mul_limited(t, g->in_w, &t) || !mul_limited(t, g->in_c, &g->x_count) ||
      !mul_limited(g->batch, g->out_h, &t) || !mul_limited(t, g->out_w, &g->rows) || !mul_limited(g->rows, g->out_c, &g->y_count)) {
    throw_errorf(env, fn, "geometry describes tensors larger than any heap");
    return false;
  }
  if (g->taps > INT_MAX) { /* cblas takes int sizes */
    throw_errorf(env, fn, "geometry has %lld filter taps per output (at most 2^31 - 1)", (long long)g->taps);
    return false;
  }
  g->identity = g->filter_h == 1 && g->filter_w == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_top == 0 &&
                g->pad_left == 0 && g->out_h == g->in_h && g->out_w == g->in_w;
  if (fused) {
    fused[0] = length >= G_FUSED ? v[G_BIAS_OFFSET] : 0;
    fused[1] = length >= G_FUSED ? v[G_BIAS_LENGTH] : 0;
    fused[2] = length >= G_FUSED ? v[G_ACTIVATION] : ACT_LINEAR;
  }
  return true;
}

/* Output rows per chunk: as many as fit the scratch budget, at least one. */
static int64_t chunk_rows(const Geometry *g) {
  int64_t rows = AELAB_CONV_CHUNK_FLOATS / g->taps;
  if (rows < 1) rows = 1;
  return rows < g->rows ? rows : g->rows;
}

/* The position of an output row, stepped along without a division per row. */
typedef struct {
  int64_t b, oh, ow;
} Pixel;

static Pixel pixel_of(const Geometry *g, int64_t row) {
  int64_t per_image = g->out_h * g->out_w;
  int64_t in_image = row % per_image;
  return (Pixel){row / per_image, in_image / g->out_w, in_image % g->out_w};
}

static void next_pixel(const Geometry *g, Pixel *p) {
  if (++p->ow < g->out_w) return;
  p->ow = 0;
  if (++p->oh < g->out_h) return;
  p->oh = 0;
  p->b++;
}

/* Columns of rows [row0, row0 + count): taps outside the (padded) input are zeros. */
static void im2col(const Geometry *g, const float *x, int64_t row0, int64_t count, float *col) {
  const int64_t ci = g->in_c, fw = g->filter_w, span = fw * ci;
  Pixel p = pixel_of(g, row0);
  for (int64_t r = 0; r < count; r++, next_pixel(g, &p)) {
    const float *image = x + p.b * g->in_h * g->in_w * ci;
    const int64_t ih0 = p.oh * g->stride_h - g->pad_top, iw0 = p.ow * g->stride_w - g->pad_left;
    const bool row_inside = iw0 >= 0 && iw0 + fw <= g->in_w;
    for (int64_t fh = 0; fh < g->filter_h; fh++, col += span) {
      const int64_t ih = ih0 + fh;
      if (ih < 0 || ih >= g->in_h) {
        memset(col, 0, (size_t)span * sizeof(float));
        continue;
      }
      const float *line = image + ih * g->in_w * ci;
      /* NHWC: one filter row's taps are contiguous in the input unless the padding cuts them. */
      if (row_inside) {
        memcpy(col, line + iw0 * ci, (size_t)span * sizeof(float));
        continue;
      }
      for (int64_t f = 0; f < fw; f++) {
        const int64_t iw = iw0 + f;
        if (iw < 0 || iw >= g->in_w) memset(col + f * ci, 0, (size_t)ci * sizeof(float));
        else memcpy(col + f * ci, line + iw * ci, (size_t)ci * sizeof(float));
      }
    }
  }
}

/* The reverse of im2col: adds each column entry back onto the input pixel it was copied from. */
static void col2im_add(const Geometry *g, const float *col, int64_t row0, int64_t count, float *dx) {
  const int64_t ci = g->in_c, fw = g->filter_w, span = fw * ci;
  Pixel p = pixel_of(g, row0);
  for (int64_t r = 0; r < count; r++, next_pixel(g, &p)) {
    float *image = dx + p.b * g->in_h * g->in_w * ci;
    const int64_t ih0 = p.oh * g->stride_h - g->pad_top, iw0 = p.ow * g->stride_w - g->pad_left;
    const bool row_inside = iw0 >= 0 && iw0 + fw <= g->in_w;
    for (int64_t fh = 0; fh < g->filter_h; fh++, col += span) {
      const int64_t ih = ih0 + fh;
      if (ih < 0 || ih >= g->in_h) continue;
      float *line = image + ih * g->in_w * ci;
      if (row_inside) {
        float *to = line + iw0 * ci;
        for (int64_t i = 0; i < span; i++) to[i] += col[i];
        continue;
      }
      for (int64_t f = 0; f < fw; f++) {
        const int64_t iw = iw0 + f;
        if (iw < 0 || iw >= g->in_w) continue;
        float *to = line + iw * ci;
        const float *from = col + f * ci;
        for (int64_t c = 0; c < ci; c++) to[c] += from[c];
      }
    }
  }
}

/* y = act(y + bias) over `count` rows of out_c channels; bias_length is 0, 1 or out_c. */
static void bias_activation(float *y, int64_t count, int64_t out_c, const float *bias, int64_t bias_length, int activation) {
  if (bias_length == 0 && activation == ACT_LINEAR) return;
  for (int64_t r = 0; r < count; r++, y += out_c) {
    for (int64_t c = 0; c < out_c; c++) {
      float v = y[c];
      if (bias_length == 1) v += bias[0];
      else if (bias_length > 1) v += bias[c];
      if (activation == ACT_RELU) v = v < 0.0f ? 0.0f : v;
      else if (activation == ACT_RELU6) v = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
      y[c] = v;
    }
  }
}

/* The arguments all three functions share: heap, geometry and three byte offsets. */
typedef struct {
  uint8_t *heap;
  size_t heap_length;
  Geometry g;
  int32_t fused[3];
  int64_t offsets[3];
} Call;

static bool read_call(napi_env env, napi_callback_info info, const char *fn, const char *usage, const char *const offset_names[3], bool fused,
                      Call *call) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) {
    throw_errorf(env, fn, "expected 5 arguments: %s", usage);
    return false;
  }
  if (!heap_arg(env, argv[0], fn, &call->heap, &call->heap_length)) return false;
  if (!read_geometry(env, fn, argv[1], &call->g, fused ? call->fused : NULL)) return false;
  for (int i = 0; i < 3; i++) {
    if (!arg_integer(env, argv[2 + i], fn, offset_names[i], -MAX_EXACT, MAX_EXACT, &call->offsets[i])) return false;
  }
  return true;
}

/* Parts of the batch (whole images each): fixed, so results do not depend on the thread count. */
#define CONV_PARTS 8
/* Below this many column floats in all, one thread: starting threads would cost more than it saves. */
#define PARALLEL_MIN_FLOATS ((int64_t)1 << 18)

typedef enum { CONV_FORWARD, CONV_BACKPROP_INPUT, CONV_BACKPROP_FILTER } ConvKind;

typedef struct {
  ConvKind kind;
  const Geometry *g;
  const float *x, *dy, *w; /* each kernel reads two of them */
  float *out;              /* y, dx or dW */
  const float *bias;
  int64_t bias_length;
  int activation;
  int64_t parts, chunk;
  float *partials; /* filter gradient with several parts: one dW per part */
  atomic_bool out_of_memory;
} ConvJob;

/* Output rows [row0, row1) of part `part`: images [part·B/P, (part+1)·B/P). */
static void part_rows(const ConvJob *job, int64_t part, int64_t *row0, int64_t *row1) {
  const Geometry *g = job->g;
  const int64_t per_image = g->out_h * g->out_w;
  *row0 = part * g->batch / job->parts * per_image;
  *row1 = (part + 1) * g->batch / job->parts * per_image;
}

static void run_part(ConvJob *job, int64_t part, float *col) {
  const Geometry *g = job->g;
  int64_t first, end;
  part_rows(job, part, &first, &end);
  if (job->kind == CONV_BACKPROP_INPUT && !g->identity) {
    /* Input pixels no window covers (stride > filter, cropped borders) get no contribution: zeros. */
    const int64_t per_image = g->in_h * g->in_w * g->in_c, images = (end - first) / (g->out_h * g->out_w);
    memset(job->out + first / (g->out_h * g->out_w) * per_image, 0, (size_t)(images * per_image) * sizeof(float));
  }
  float *dw = job->kind == CONV_BACKPROP_FILTER && job->partials ? job->partials + part * g->w_count : job->out;
  for (int64_t row0 = first; row0 < end; row0 += job->chunk) {
    const int64_t count = end - row0 < job->chunk ? end - row0 : job->chunk;
    switch (job->kind) {
      case CONV_FORWARD: {
        const float *a = g->identity ? job->x + row0 * g->taps : col;
        if (!g->identity) im2col(g, job->x, row0, count, col);
        float *y = job->out + row0 * g->out_c;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)count, (int)g->out_c, (int)g->taps, 1.0f, a, (int)g->taps, job->w,
                    (int)g->out_c, 0.0f, y, (int)g->out_c);
        bias_activation(y, count, g->out_c, job->bias, job->bias_length, job->activation);
        break;
      }
      case CONV_BACKPROP_INPUT: {
        /* Identity geometry: dx = dy · Wᵀ directly, every input pixel receives exactly one row. */
        float *c = g->identity ? job->out + row0 * g->taps : col;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)count, (int)g->taps, (int)g->out_c, 1.0f, job->dy + row0 * g->out_c,
                    (int)g->out_c, job->w, (int)g->out_c, 0.0f, c, (int)g->taps);
        if (!g->identity) col2im_add(g, col, row0, count, job->out);
        break;
      }
      case CONV_BACKPROP_FILTER: {
        const float *a = g->identity ? job->x + row0 * g->taps : col;
        if (!g->identity) im2col(g, job->x, row0, count, col);
        /* The sum runs over every output pixel: each chunk's product is added to the part's dW. */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)g->taps, (int)g->out_c, (int)count, 1.0f, a, (int)g->taps,
                    job->dy + row0 * g->out_c, (int)g->out_c, row0 == first ? 0.0f : 1.0f, dw, (int)g->out_c);
        break;
      }
    }
  }
}

static void conv_part(void *arg, int64_t part, int slot) {
  ConvJob *job = arg;
  float *col = job->g->identity ? NULL : scratch_floats_in(slot, (size_t)(job->chunk * job->g->taps));
  if (!job->g->identity && !col) {
    atomic_store(&job->out_of_memory, true);
    return;
  }
  run_part(job, part, col);
}

/* Runs every part, on the kernels' threads (one for small jobs); false when out of memory (nothing thrown). */
static bool run_job(ConvJob *job) {
  job->parts = job->g->batch < CONV_PARTS ? job->g->batch : CONV_PARTS;
  job->chunk = chunk_rows(job->g);
  atomic_init(&job->out_of_memory, false);
  /* Starting threads would cost more than a small job saves. */
  const bool small = job->g->rows * job->g->taps < PARALLEL_MIN_FLOATS;
  run_parts(job, job->parts, small ? 1 : kernel_threads(), conv_part);
  return !atomic_load(&job->out_of_memory);
}

static napi_value conv2d(napi_env env, napi_callback_info info) {
  static const char fn[] = "conv2d";
  Call call;
  static const char *const offsets[3] = {"xOffset", "filterOffset", "yOffset"};
  if (!read_call(env, info, fn, "conv2d(heap, geometry, xOffset, filterOffset, yOffset)", offsets, true, &call)) return NULL;
  const Geometry *g = &call.g;
  const float *x = heap_floats(env, fn, "x (xOffset)", call.heap, call.heap_length, call.offsets[0], g->x_count);
  if (!x) return NULL;
  const float *w = heap_floats(env, fn, "the filter (filterOffset)", call.heap, call.heap_length, call.offsets[1], g->w_count);
  if (!w) return NULL;
  float *y = heap_floats(env, fn, "y (yOffset)", call.heap, call.heap_length, call.offsets[2], g->y_count);
  if (!y) return NULL;
  const int64_t bias_length = call.fused[1], activation = call.fused[2];
  if (bias_length != 0 && bias_length != 1 && bias_length != g->out_c) {
    return throw_errorf(env, fn, "the bias length (geometry[14]) must be 0, 1 or outChannels (got %lld)", (long long)bias_length);
  }
  if (activation != ACT_LINEAR && activation != ACT_RELU && activation != ACT_RELU6) {
    return throw_errorf(env, fn, "the activation (geometry[15]) must be linear, relu or relu6 (got code %lld)", (long long)activation);
  }
  const float *bias = NULL;
  if (bias_length > 0) {
    /* The slot holds the offset's 32 bits: a heap of 4 GiB has offsets beyond int32's range. */
    bias = heap_floats(env, fn, "the bias (geometry[13])", call.heap, call.heap_length, (int64_t)(uint32_t)call.fused[0], bias_length);
    if (!bias) return NULL;
  }
  /* y is written chunk by chunk while x, the filter and the bias are still read. */
  if (!check_no_overlap(env, fn, "y", y, g->y_count, "x", x, g->x_count, false) ||
      !check_no_overlap(env, fn, "y", y, g->y_count, "the filter", w, g->w_count, false) ||
      (bias && !check_no_overlap(env, fn, "y", y, g->y_count, "the bias", bias, bias_length, false))) {
    return NULL;
  }
  if (g->y_count == 0) return NULL;
  if (g->taps == 0) { /* no input channels: every sum is empty */
    memset(y, 0, (size_t)g->y_count * sizeof(float));
    bias_activation(y, g->rows, g->out_c, bias, bias_length, (int)activation);
    return NULL;
  }

  ConvJob job = {.kind = CONV_FORWARD, .g = g, .x = x, .w = w, .out = y, .bias = bias, .bias_length = bias_length, .activation = (int)activation};
  if (!run_job(&job)) return throw_errorf(env, fn, "out of memory for the column buffer");
  return NULL;
}

static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  static const char fn[] = "conv2dBackpropInput";
  Call call;
  static const char *const offsets[3] = {"dyOffset", "filterOffset", "dxOffset"};
  if (!read_call(env, info, fn, "conv2dBackpropInput(heap, geometry, dyOffset, filterOffset, dxOffset)", offsets, false, &call)) return NULL;
  const Geometry *g = &call.g;
  const float *dy = heap_floats(env, fn, "dy (dyOffset)", call.heap, call.heap_length, call.offsets[0], g->y_count);
  if (!dy) return NULL;
  const float *w = heap_floats(env, fn, "the filter (filterOffset)", call.heap, call.heap_length, call.offsets[1], g->w_count);
  if (!w) return NULL;
  float *dx = heap_floats(env, fn, "dx (dxOffset)", call.heap, call.heap_length, call.offsets[2], g->x_count);
  if (!dx) return NULL;
  if (!check_no_overlap(env, fn, "dx", dx, g->x_count, "dy", dy, g->y_count, false) ||
      !check_no_overlap(env, fn, "dx", dx, g->x_count, "the filter", w, g->w_count, false)) {
    return NULL;
  }
  if (g->x_count == 0) return NULL;
  if (g->out_c == 0) { /* nothing flows back */
    memset(dx, 0, (size_t)g->x_count * sizeof(float));
    return NULL;
  }

  if (g->rows == 0) { /* no output pixels (an input smaller than the filter, unpadded): no contribution */
    memset(dx, 0, (size_t)g->x_count * sizeof(float));
    return NULL;
  }
  ConvJob job = {.kind = CONV_BACKPROP_INPUT, .g = g, .dy = dy, .w = w, .out = dx};
  if (!run_job(&job)) return throw_errorf(env, fn, "out of memory for the column buffer");
  return NULL;
}

static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  static const char fn[] = "conv2dBackpropFilter";
  Call call;
  static const char *const offsets[3] = {"xOffset", "dyOffset", "dwOffset"};
  if (!read_call(env, info, fn, "conv2dBackpropFilter(heap, geometry, xOffset, dyOffset, dwOffset)", offsets, false, &call)) return NULL;
  const Geometry *g = &call.g;
  const float *x = heap_floats(env, fn, "x (xOffset)", call.heap, call.heap_length, call.offsets[0], g->x_count);
  if (!x) return NULL;
  const float *dy = heap_floats(env, fn, "dy (dyOffset)", call.heap, call.heap_length, call.offsets[1], g->y_count);
  if (!dy) return NULL;
  float *dw = heap_floats(env, fn, "dW (dwOffset)", call.heap, call.heap_length, call.offsets[2], g->w_count);
  if (!dw) return NULL;
  if (!check_no_overlap(env, fn, "dW", dw, g->w_count, "x", x, g->x_count, false) ||
      !check_no_overlap(env, fn, "dW", dw, g->w_count, "dy", dy, g->y_count, false)) {
    return NULL;
  }
  if (g->w_count == 0) return NULL;
  if (g->rows == 0) {
    memset(dw, 0, (size_t)g->w_count * sizeof(float));
    return NULL;
  }

  ConvJob job = {.kind = CONV_BACKPROP_FILTER, .g = g, .x = x, .dy = dy, .out = dw};
  const int64_t parts = g->batch < CONV_PARTS ? g->batch : CONV_PARTS;
  if (parts > 1) {
    /* One partial dW per part (in the slot no thread of run_parts uses), summed in part order. */
    job.partials = scratch_floats_in(AELAB_SHARED_SLOT, (size_t)(parts * g->w_count));
    if (!job.partials) return throw_errorf(env, fn, "out of memory for the partial filter gradients");
  }
  if (!run_job(&job)) return throw_errorf(env, fn, "out of memory for the column buffer");
  if (job.partials) {
    memcpy(dw, job.partials, (size_t)g->w_count * sizeof(float));
    for (int64_t part = 1; part < parts; part++) {
      const float *p = job.partials + part * g->w_count;
      for (int64_t i = 0; i < g->w_count; i++) dw[i] += p[i];
    }
  }
  return NULL;
}

bool register_conv(napi_env env, napi_value exports) {
  return export_function(env, exports, "conv2d", conv2d) && export_function(env, exports, "conv2dBackpropInput", conv2d_backprop_input) &&
         export_function(env, exports, "conv2dBackpropFilter", conv2d_backprop_filter);
}

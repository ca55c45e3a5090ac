/*
 * aelab's optional native kernels: BLAS-backed matMul and conv, and a fused Adam step, all working
 * in place on tfjs-backend-wasm's heap (the tensors' bytes are never copied out of it).
 */
#include "common.h"
#include <stdio.h>
#include <string.h>

#ifndef AELAB_ACCELERATE
/* OpenBLAS extensions (not in every cblas.h, so declared here). */
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);
extern int openblas_get_parallel(void);
#endif

/* More threads than this is a mistake, not a machine. */
#define MAX_THREADS_ASKED 1024

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t n = 0;
  if (argc < 1) return throw_error(env, "setThreads: 1 argument expected: setThreads(n)");
  if (!arg_integer(env, argv[0], "setThreads", "n", 1, MAX_THREADS_ASKED, &n)) return NULL;
  set_kernel_threads((int)n);
  return NULL;
}

/* The kernels' threads; the BLAS itself runs single-threaded (common.c, start_threads). */
static napi_value get_threads(napi_env env, napi_callback_info info) {
  napi_value out;
#ifdef AELAB_ACCELERATE
  napi_create_int32(env, 0, &out); /* Accelerate chooses for itself. */
#else
  napi_create_int32(env, kernel_threads(), &out);
#endif
  return out;
}

static void set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value s;
  napi_create_string_utf8(env, value ? value : "", NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, object, key, s);
}

/* What the BLAS says of itself: name, build configuration, the core it runs for, its threading. */
static napi_value blas_info(napi_env env, napi_callback_info info) {
  napi_value out;
  napi_create_object(env, &out);
#ifdef AELAB_ACCELERATE
  set_string(env, out, "name", "Accelerate");
  set_string(env, out, "config", "");
  set_string(env, out, "core", "");
  set_string(env, out, "parallel", "");
#else
  set_string(env, out, "name", "OpenBLAS");
  set_string(env, out, "config", openblas_get_config());
  set_string(env, out, "core", openblas_get_corename());
  int parallel = openblas_get_parallel();
  set_string(env, out, "parallel", parallel == 0 ? "sequential" : parallel == 1 ? "pthreads" : parallel == 2 ? "openmp" : "unknown");
#endif
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  init_threads();
  if (!export_function(env, exports, "setThreads", set_threads) || !export_function(env, exports, "getThreads", get_threads) ||
      !export_function(env, exports, "blasInfo", blas_info) || !register_gemm(env, exports) || !register_conv(env, exports) ||
      !register_adam(env, exports) || !register_reduce(env, exports) || !register_sum(env, exports) ||
      !register_leaky_relu(env, exports) || !register_bias_add(env, exports)) {
    return throw_error(env, "aelab native kernels: could not register the addon's functions");
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

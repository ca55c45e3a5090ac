#include "common.h"

bool register_gemm(napi_env env, napi_value exports) {
  return true;
}

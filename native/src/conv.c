#include "common.h"

bool register_conv(napi_env env, napi_value exports) {
  return true;
}

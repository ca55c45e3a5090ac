#include "common.h"

bool register_adam(napi_env env, napi_value exports) {
  return true;
}

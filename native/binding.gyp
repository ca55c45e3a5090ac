{
  # Built by scripts/build-native.mjs at npm install, never by npm's default "node-gyp rebuild":
  # the script finds the CBLAS headers and passes their folder as blas_include, and skips the build
  # (aelab then runs the wasm kernels) where there is no compiler or BLAS.
  "variables": { "blas_include%": "/usr/include", "blas_lib%": "-lopenblas" },
  "targets": [
    {
      "target_name": "aelab_kernels",
      "sources": ["src/addon.c", "src/common.c", "src/threads.c", "src/gemm.c", "src/conv.c", "src/adam.c", "src/reduce.c", "src/sum.c", "src/leaky-relu.c", "src/bias-add.c"],
      "cflags": ["-O3", "-std=c11", "-march=native", "-ffp-contract=off", "-fno-fast-math", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='mac'", {
          "defines": ["AELAB_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "libraries": ["-framework Accelerate"],
          "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off"] }
        }, {
          "include_dirs": ["<(blas_include)"],
          "libraries": ["<(blas_lib)"]
        }]
      ]
    }
  ]
}

#!/bin/sh
# aelab, offline bundle (written by `npm run bundle`; docs/bundle.md). Runs aelab with the Node runtime,
# libraries and data packed beside this script, on a Linux x64 machine with no Node, npm or internet.
# The first run unpacks node.gz (gzip) and aelab.tar.br (Brotli, read by that Node) into
# $AELAB_BUNDLE_HOME (default ~/.cache/aelab-bundle), one folder per bundle, and later runs reuse it.
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
id=@BUNDLE_ID@
home=${AELAB_BUNDLE_HOME:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/aelab-bundle}
dir=$home/$id
if [ ! -f "$dir/.unpacked" ]; then
  for part in node.gz aelab.tar.br; do
    [ -r "$here/$part" ] || { echo "aelab bundle: $here/$part is missing; copy the whole bundle folder" >&2; exit 1; }
  done
  mkdir -p "$home" 2>/dev/null || { echo "aelab bundle: cannot create $home to unpack into; set AELAB_BUNDLE_HOME to a writable folder" >&2; exit 1; }
  tmp=$(mktemp -d "$home/.unpacking-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT TERM
  gzip -dc "$here/node.gz" >"$tmp/node" || { echo "aelab bundle: $here/node.gz is corrupt; copy the bundle again" >&2; exit 1; }
  chmod +x "$tmp/node"
  "$tmp/node" -e 'process.stdin.pipe(require("zlib").createBrotliDecompress()).on("error", () => process.exit(1)).pipe(process.stdout)' <"$here/aelab.tar.br" >"$tmp/aelab.tar" \
    && tar -xf "$tmp/aelab.tar" -C "$tmp" && rm -f "$tmp/aelab.tar" \
    || { echo "aelab bundle: $here/aelab.tar.br is corrupt; copy the bundle again" >&2; exit 1; }
  mv "$tmp/node" "$tmp/aelab/node"
  : >"$tmp/aelab/.unpacked"
  # Another run may have unpacked the same bundle meanwhile; its copy is as good as this one.
  mv -T "$tmp/aelab" "$dir" 2>/dev/null || [ -f "$dir/.unpacked" ] || { echo "aelab bundle: cannot move the unpacked files to $dir" >&2; exit 1; }
  rm -rf "$tmp"
  trap - EXIT INT TERM
fi
# lib/ holds OpenBLAS (for the native kernels) and the Vulkan loader (for WebGPU's Dawn).
LD_LIBRARY_PATH="$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$dir/node" "$dir/bin/aelab.js" "$@"

#!/usr/bin/env bash
# Makes a software Vulkan driver that Dawn (the `webgpu` npm package) accepts available to this user,
# without changing the system's apt sources or installed packages: Mesa >= 24 lavapipe from
# bookworm-backports is downloaded with a private apt state and unpacked into a cache folder.
# (Debian 12's own lavapipe, Mesa 22.3, lacks the dynamic array indexing Dawn requires.)
#
# Prints, as its last lines, the environment a process needs to use it:
#   eval "$(scripts/lavapipe.sh)"
# Idempotent: a second call only prints the lines. Folder: $AELAB_LAVAPIPE_DIR or ~/.cache/aelab/lavapipe.
set -euo pipefail

dir="${AELAB_LAVAPIPE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aelab/lavapipe}"
lib="$dir/root/usr/lib/x86_64-linux-gnu"
icd="$dir/lvp_icd.json"

say() { echo "lavapipe: $*" >&2; }

if [ ! -f "$icd" ] || [ ! -f "$lib/libvulkan_lvp.so" ]; then
  [ "$(uname -m)" = x86_64 ] || { say "only x86_64 is prepared by this script (this machine: $(uname -m))"; exit 1; }
  command -v apt-get >/dev/null || { say "apt-get not found: install Mesa >= 24 lavapipe (mesa-vulkan-drivers) another way"; exit 1; }
  # The Vulkan loader itself comes from the system (it is small and Debian 12's works).
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo -n"
    $SUDO apt-get install -y -qq --no-install-recommends libvulkan1 >/dev/null \
      || { say "could not install libvulkan1 (the Vulkan loader)"; exit 1; }
  fi
  say "downloading Mesa lavapipe from bookworm-backports into $dir"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
  printf '%s\n' \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-backports main" > "$dir/sources.list"
  apto=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o Debug::NoLocking=1)
  apt-get "${apto[@]}" update -qq >/dev/null 2>&1 || { say "apt-get update of the private bookworm-backports list failed (no network?)"; exit 1; }
  # lavapipe 25 links the system's libLLVM-15 and needs libdrm >= 2.4.121 (the backports one).
  (cd "$dir/debs" && apt-get "${apto[@]}" download -qq \
      mesa-vulkan-drivers/bookworm-backports libdrm2/bookworm-backports libdrm-amdgpu1/bookworm-backports >/dev/null 2>&1) \
    || { say "downloading mesa-vulkan-drivers from bookworm-backports failed"; exit 1; }
  rm -rf "$dir/root"
  for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
  [ -f "$lib/libvulkan_lvp.so" ] || { say "the downloaded packages hold no libvulkan_lvp.so"; exit 1; }
  printf '{"file_format_version":"1.0.0","ICD":{"api_version":"1.3.0","library_path":"%s"}}\n' "$lib/libvulkan_lvp.so" > "$icd"
  say "ready: $(ls "$dir"/debs | tr '\n' ' ')"
fi

echo "export VK_ICD_FILENAMES='$icd'"
echo "export LD_LIBRARY_PATH='$lib'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
echo "export XDG_RUNTIME_DIR=\"\${XDG_RUNTIME_DIR:-\${TMPDIR:-/tmp}}\""

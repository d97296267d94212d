#!/bin/sh
# Builds kernels/*.c into WebAssembly (SIMD128), twice, and embeds both binaries, base64, in
# electron/engine/tf/cpu/nasKernelsWasm.ts (committed: no build step is needed at install):
#   - nas_kernels.wasm imports tfjs-wasm's own (unshared) memory and runs on the main thread;
#   - nas_kernels_shared.wasm imports a shared memory (wasm threads: atomics + bulk memory) and
#     runs in the helper worker of electron/engine/tf/threads/kernelPool.ts.
# Needs clang and wasm-ld (LLVM >= 14; Debian: apt-get install clang lld). Run from anywhere:
# sh kernels/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build"
mkdir -p "$out"
sources="channel_kernels conv_filter_grad conv_forward conv_winograd elementwise"
# $1: object suffix, $2...: extra clang flags
compile() {
  suffix=$1
  shift
  objects=""
  for src in $sources; do
    clang --target=wasm32 -msimd128 "$@" -O3 -ffreestanding -nostdlib -fno-builtin \
      -Wall -Wextra -Werror -c "$here/$src.c" -o "$out/$src$suffix.o"
    # The code must never use the shadow stack (its pointer would land in tfjs's own data).
    if llvm-objdump -d "$out/$src$suffix.o" | grep -q 'global\.[gs]et'; then
      echo "kernels: $src uses the shadow stack (global.get/set); keep every kernel a leaf without arrays" >&2
      exit 1
    fi
    objects="$objects $out/$src$suffix.o"
  done
}
# Imported memory, no entry point, nothing but the exported kernels.
compile ""
# shellcheck disable=SC2086
wasm-ld --no-entry --import-memory --strip-all --gc-sections $objects -o "$out/nas_kernels.wasm"
# The shared variant: the memory's maximum (1 GiB) is what kernelPool.ts creates.
compile ".shared" -matomics -mbulk-memory
# shellcheck disable=SC2086
wasm-ld --no-entry --import-memory --shared-memory --max-memory=1073741824 --strip-all --gc-sections $objects -o "$out/nas_kernels_shared.wasm"
node "$here/embed.js" "$out/nas_kernels.wasm" "$out/nas_kernels_shared.wasm" "$here/../electron/engine/tf/cpu/nasKernelsWasm.ts"

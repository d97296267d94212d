#!/bin/sh
# Builds kernels/*.c into WebAssembly (SIMD128) and embeds the binary, base64, in
# electron/engine/tf/cpu/nasKernelsWasm.ts (committed: no build step is needed at install).
# Needs clang and wasm-ld (LLVM >= 14). Run from anywhere: sh kernels/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/build"
mkdir -p "$out"
objects=""
for src in channel_kernels conv_filter_grad conv_forward conv_winograd; do
  clang --target=wasm32 -msimd128 -O3 -ffreestanding -nostdlib -fno-builtin \
    -Wall -Wextra -Werror -c "$here/$src.c" -o "$out/$src.o"
  # The code must never use the shadow stack (its pointer would land in tfjs's own data).
  if llvm-objdump -d "$out/$src.o" | grep -q 'global\.[gs]et'; then
    echo "kernels: $src uses the shadow stack (global.get/set); keep every kernel a leaf without arrays" >&2
    exit 1
  fi
  objects="$objects $out/$src.o"
done
# Imported memory (tfjs-wasm's heap), no entry point, nothing but the exported kernels.
# shellcheck disable=SC2086
wasm-ld --no-entry --import-memory --strip-all --gc-sections $objects -o "$out/nas_kernels.wasm"
node "$here/embed.js" "$out/nas_kernels.wasm" "$here/../electron/engine/tf/cpu/nasKernelsWasm.ts"

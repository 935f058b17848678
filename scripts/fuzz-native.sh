#!/usr/bin/env bash
# Fuzzes the native image decoder (loader-reactor/src/main/c/stoker_image.c and stoker_png.c) with
# libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/fuzz-native.sh [SECONDS]      (default 600; FUZZ_JOBS=N runs N fuzzers in parallel)
#
# Needs clang with libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev) and the
# libjpeg-turbo/libpng headers. Builds into loader-reactor/target/fuzz: the target
# (src/test/c/fuzz_decode.c: header, then a full and a region decode at a DCT scale chosen by a
# 4-byte prefix of each input), the seeds (src/test/c/gen_seeds.c writes small JPEGs of every
# subsampling, progressive, restart, gray, CMYK, EXIF-oriented, and PNGs of every color type and
# depth, interlaced or not, with libjpeg's and libpng's encoders), and a corpus that grows from
# run to run. A crash leaves its input in target/fuzz/crashes/ and exits non-zero; replay it with
#   loader-reactor/target/fuzz/fuzz_decode loader-reactor/target/fuzz/crashes/crash-...
# The Maven profile -Pnative-fuzz runs it for 20 s (-Dstoker.fuzz.seconds=N for longer).
# libjpeg-turbo and libpng themselves are not instrumented: ASan sees our reads and writes of their
# buffers and our own code, not their internals. Where libdeflate.so.0 is installed, the target has
# stoker_png.c's libdeflate reader (as build.sh builds the library), so PNG inputs exercise it first.
set -euo pipefail

seconds=${1:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/loader-reactor/src"
out="$root/loader-reactor/target/fuzz"
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null || { echo "no $cc: apt-get install clang libclang-rt-14-dev" >&2; exit 2; }
mkdir -p "$out/seeds" "$out/corpus" "$out/crashes"

gcc -O1 -o "$out/gen_seeds" "$src/test/c/gen_seeds.c" -ljpeg -lpng
"$out/gen_seeds" "$out/seeds" >/dev/null
png=()
if printf 'void *libdeflate_alloc_decompressor(void);\nint main(void){return !libdeflate_alloc_decompressor();}\n' \
    | gcc -x c - -o "$out/deflate-probe" -l:libdeflate.so.0 >/dev/null 2>&1; then
  png=(-DSTOKER_PNG_LIBDEFLATE -l:libdeflate.so.0)
fi
"$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I"$src/main/c" -o "$out/fuzz_decode" \
  "$src/test/c/fuzz_decode.c" "$src/main/c/stoker_image.c" "$src/main/c/stoker_phuff.c" "$src/main/c/stoker_phuff_table.c" "$src/main/c/stoker_shuff.c" "$src/main/c/stoker_pixels.c" "$src/main/c/stoker_png.c" -ljpeg -lpng "${png[@]}"

jobs=${FUZZ_JOBS:-1}
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144
      -artifact_prefix="$out/crashes/" -print_final_stats=1)
if [[ "$jobs" -gt 1 ]]; then
  args+=(-fork="$jobs" -ignore_crashes=0)
fi
cd "$out"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
  ./fuzz_decode "${args[@]}" corpus seeds

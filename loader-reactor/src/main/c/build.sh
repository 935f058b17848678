#!/usr/bin/env bash
# Builds libstokerimage.so (the native JPEG/PNG decoder) into OUTDIR.
#
#   build.sh OUTDIR [STAMPDIR]
#
# STAMPDIR (default OUTDIR) keeps the flags of the last build, outside the jar's classes.
# Run by the Maven build of loader-reactor. Where gcc, the libjpeg-turbo headers or the libpng
# headers are missing it prints one warning naming what to install and exits 0: the library is
# then absent and Stoker decodes through ImageIO. A compile error in our own C still fails.
# Skips the compile when the library is newer than its sources. CC and CFLAGS may be overridden.
set -euo pipefail

out_dir=${1:?usage: build.sh OUTDIR [STAMPDIR]}
stamp_dir=${2:-$out_dir}
src_dir=$(cd "$(dirname "$0")" && pwd)
lib="$out_dir/libstokerimage.so"
cc=${CC:-gcc}
cflags=${CFLAGS:--O3}
install_hint="apt-get install gcc libjpeg62-turbo-dev libpng-dev"

warn() {
  echo "[WARNING] native image decoder not built ($1); install it with: $install_hint." \
    "Stoker will decode with ImageIO, about 3x slower."
  exit 0
}

command -v "$cc" >/dev/null 2>&1 || warn "no C compiler '$cc'"

probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
cat >"$probe_dir/probe.c" <<'EOF'
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
int main(void) {
  struct jpeg_error_mgr e;
  jpeg_std_error(&e);
  return png_access_version_number() > 0 ? 0 : 1;
}
EOF
"$cc" "$probe_dir/probe.c" -o "$probe_dir/probe" -ljpeg -lpng >/dev/null 2>&1 \
  || warn "gcc cannot compile and link against jpeglib.h/png.h with -ljpeg -lpng"

# The flags the library was built with live beside it: a build with other flags (the sanitizer
# profile, -Pnative-sanitize, and back) recompiles.
stamp="$stamp_dir/libstokerimage.cflags"
if [[ -f "$lib" && "$lib" -nt "$src_dir/stoker_image.c" && "$lib" -nt "$src_dir/stoker_image.h" \
      && "$lib" -nt "$src_dir/stoker_resample.c" \
      && "$lib" -nt "$0" && -f "$stamp" && "$(cat "$stamp")" == "$cflags" ]]; then
  exit 0
fi

mkdir -p "$out_dir"
# shellcheck disable=SC2086 # CFLAGS is a list of flags
"$cc" $cflags -std=c11 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror=implicit \
  -Wl,--no-undefined -Wl,-z,noexecstack -Wl,-soname,libstokerimage.so \
  -o "$lib.tmp" "$src_dir/stoker_image.c" "$src_dir/stoker_resample.c" -ljpeg -lpng -lpthread
mv -f "$lib.tmp" "$lib"
mkdir -p "$stamp_dir"
printf '%s' "$cflags" >"$stamp"
echo "[INFO] built $lib ($cflags)"

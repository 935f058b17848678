#!/usr/bin/env bash
# Builds libstokerimage.so (the native JPEG/PNG decoder) into OUTDIR, with the shared libraries it
# needs beside it, so that the jar carries a decoder that runs on a machine with only a JDK and glibc.
#
#   build.sh OUTDIR [STAMPDIR]
#
# OUTDIR receives (the jar's dev/stoker/image/native/linux-x86_64/):
#   libstokerimage.so       linked with DT_RPATH=$ORIGIN: the dynamic linker looks for its libraries
#                           in its own folder first, before LD_LIBRARY_PATH and the system's
#   libjpeg.so.62 libpng16.so.16 libz.so.1 [libdeflate.so.0]
#                           the exact files the library was linked against (symbolic links resolved),
#                           under their SONAMEs: libjpeg-turbo, libpng, zlib and, where installed,
#                           libdeflate (stoker_png.c's fast PNG reader; see below)
#   NOTICE.txt, LICENSE.<library>.txt
#                           what is bundled, from which package, under which license; the license
#                           texts are the Debian packages' copyright files
#   stoker-native.sha256    the manifest: "SHA-256  NAME" for every other file (NativeBundle checks it)
# STAMPDIR (default OUTDIR) keeps the flags of the last build, outside the jar's classes.
#
# Run by the Maven build of loader-reactor on linux-x86_64. Where gcc, the libjpeg-turbo or libpng
# headers, or the license files are missing it FAILS, naming what to install; a build that should
# go on without the native decoder (Stoker then decodes with ImageIO, about 3x slower) passes
# -Dstoker.native.skip to Maven. Skips the compile when the bundle is newer than its sources.
# CC and CFLAGS may be overridden.
#
# PNG: where the libdeflate runtime (Debian's libdeflate0) is installed, the library is built with
# STOKER_PNG_LIBDEFLATE and linked against libdeflate.so.0 by its file name: stoker_png.c declares
# the few libdeflate functions it calls, so no libdeflate -dev package is needed. Without it, PNGs
# decode with libpng alone (about twice the CPU time per image), and the build says so.
# STOKER_PNG_READER=libpng forces that build; STOKER_PNG_READER=libdeflate fails where libdeflate is
# missing; the default, auto, takes libdeflate where it links. stoker_png_reader() reports the choice.
set -euo pipefail

out_dir=${1:?usage: build.sh OUTDIR [STAMPDIR]}
stamp_dir=${2:-$out_dir}
src_dir=$(cd "$(dirname "$0")" && pwd)
lib="$out_dir/libstokerimage.so"
manifest="$out_dir/stoker-native.sha256"
cc=${CC:-gcc}
cflags=${CFLAGS:--O3}
install_hint="apt-get install gcc libjpeg62-turbo-dev libpng-dev"

fail() {
  echo "[ERROR] native image decoder cannot be built: $1. Install it with: $install_hint;" \
    "or build without the native decoder (Stoker then decodes with ImageIO, about 3x slower):" \
    "./mvnw ... -Dstoker.native.skip" >&2
  exit 1
}

command -v "$cc" >/dev/null 2>&1 || fail "no C compiler '$cc'"
for tool in ldd readelf sha256sum dpkg-query; do
  command -v "$tool" >/dev/null 2>&1 || fail "no '$tool' (needed to bundle the libraries and their licenses)"
done

probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
cat >"$probe_dir/probe.c" <<'PROBE'
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
int main(void) {
  struct jpeg_error_mgr e;
  jpeg_std_error(&e);
  return png_access_version_number() > 0 ? 0 : 1;
}
PROBE
"$cc" "$probe_dir/probe.c" -o "$probe_dir/probe" -ljpeg -lpng >/dev/null 2>&1 \
  || fail "gcc cannot compile and link against jpeglib.h/png.h with -ljpeg -lpng"

png_reader=${STOKER_PNG_READER:-auto}
case "$png_reader" in
  auto | libdeflate)
    cat >"$probe_dir/deflate.c" <<'PROBE'
struct libdeflate_decompressor;
struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
void libdeflate_free_decompressor(struct libdeflate_decompressor *d);
int main(void) {
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  libdeflate_free_decompressor(d);
  return d == 0;
}
PROBE
    if "$cc" "$probe_dir/deflate.c" -o "$probe_dir/deflate" -l:libdeflate.so.0 >/dev/null 2>&1 \
        && "$probe_dir/deflate"; then
      png_reader=libdeflate
    elif [[ "$png_reader" == libdeflate ]]; then
      echo "[ERROR] STOKER_PNG_READER=libdeflate but libdeflate.so.0 does not link: apt-get install libdeflate0" >&2
      exit 1
    else
      png_reader=libpng
      echo "[WARNING] no libdeflate.so.0 (apt-get install libdeflate0): PNGs will decode with libpng alone, about twice the CPU time per image" >&2
    fi
    ;;
  libpng) ;;
  *) echo "[ERROR] STOKER_PNG_READER must be auto, libdeflate or libpng, not '$png_reader'" >&2; exit 1 ;;
esac
png_flags=()
png_libs=()
if [[ "$png_reader" == libdeflate ]]; then
  png_flags=(-DSTOKER_PNG_LIBDEFLATE)
  png_libs=(-l:libdeflate.so.0)
fi

# The flags the library was built with live beside it: a build with other flags (the sanitizer
# profile, -Pnative-sanitize, and back) recompiles.
stamp="$stamp_dir/libstokerimage.cflags"
build_key="$cflags png=$png_reader"
fresh=1
for source in "$0" "$src_dir"/stoker_*.c "$src_dir"/stoker_*.h; do
  [[ -f "$lib" && "$lib" -nt "$source" ]] || fresh=0
done
if [[ $fresh == 1 && -f "$manifest" && ! "$lib" -nt "$manifest" && -f "$stamp" \
      && "$(cat "$stamp")" == "$build_key" ]]; then
  exit 0
fi

rm -rf "$out_dir"
mkdir -p "$out_dir"
# -rpath '$ORIGIN' with --disable-new-dtags writes DT_RPATH (not DT_RUNPATH): searched before
# LD_LIBRARY_PATH, and also for the libraries of the libraries (libpng's libz).
# shellcheck disable=SC2086 # CFLAGS is a list of flags
"$cc" $cflags -std=c11 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror=implicit \
  -Wl,--no-undefined -Wl,-z,noexecstack -Wl,-soname,libstokerimage.so \
  -Wl,-rpath,'$ORIGIN' -Wl,--disable-new-dtags "${png_flags[@]}" \
  -o "$lib.tmp" "$src_dir/stoker_image.c" "$src_dir/stoker_png.c" "$src_dir/stoker_resample.c" \
  "$src_dir/stoker_encode.c" "$src_dir/stoker_phuff.c" "$src_dir/stoker_phuff_table.c" \
  "$src_dir/stoker_shuff.c" "$src_dir/stoker_pixels.c" \
  -ljpeg -lpng "${png_libs[@]}" -lpthread
mv -f "$lib.tmp" "$lib"

# library stem -> name in NOTICE.txt and the license, as the projects state them
declare -A project=(
  [libjpeg]="libjpeg-turbo (a JPEG codec derived from the Independent JPEG Group's libjpeg)"
  [libpng16]="libpng (the PNG reference library)"
  [libz]="zlib (the deflate compression library)"
  [libdeflate]="libdeflate (a whole-buffer DEFLATE, zlib and gzip library)"
)
declare -A license=(
  [libjpeg]="the IJG License, the Modified (3-clause) BSD License and the zlib License"
  [libpng16]="the PNG Reference Library License version 2 (libpng License)"
  [libz]="the zlib License"
  [libdeflate]="the MIT (Expat) License"
)
notice="$out_dir/NOTICE.txt"
{
  echo "libstokerimage.so, Stoker's native image decoder, is distributed with these shared libraries"
  echo "beside it, unmodified, as built by the distribution named below. Each stays under its own"
  echo "license; the full text, as that distribution ships it, is in the LICENSE file named."
  echo
} >"$notice"
bundled=()
stems=(libjpeg libpng16 libz)
[[ "$png_reader" == libdeflate ]] && stems+=(libdeflate)
for stem in "${stems[@]}"; do
  # ldd resolves the libraries of the libraries too (libpng16 -> libz)
  path=$(ldd "$lib" | awk -v s="$stem" '$1 ~ "^" s "\\.so\\." && $2 == "=>" {print $3; exit}')
  [[ -n "$path" ]] || fail "ldd finds no $stem.so.* for $lib"
  real=$(readlink -f "$path")
  soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [[ -n "$soname" ]] || fail "$real has no SONAME"
  package=$(dpkg-query -S "$real" 2>/dev/null | head -1 | cut -d: -f1) \
    || package=$(dpkg-query -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
  [[ -n "$package" ]] || fail "no Debian package owns $real (its license text is taken from the package)"
  copyright="/usr/share/doc/$package/copyright"
  [[ -f "$copyright" ]] || fail "$copyright is missing"
  version=$(dpkg-query -W -f='${Version}' "$package")
  name=${soname%%.so*}
  cp -L "$real" "$out_dir/$soname"
  chmod 0644 "$out_dir/$soname"
  cp "$copyright" "$out_dir/LICENSE.$name.txt"
  {
    echo "$soname: ${project[$stem]}"
    echo "  from the Debian package $package $version ($(basename "$real"))"
    echo "  under ${license[$stem]}; see LICENSE.$name.txt"
    echo
  } >>"$notice"
  bundled+=("$soname")
done

# The bundle must be what the library finds: DT_RPATH $ORIGIN sends every bundled SONAME to OUTDIR.
readelf -d "$lib" | grep -q '(RPATH).*\[\$ORIGIN\]' || fail "$lib has no DT_RPATH \$ORIGIN"
resolved=$(ldd "$lib")
for soname in "${bundled[@]}"; do
  grep -q "^[[:space:]]*$soname => $out_dir/$soname " <<<"$resolved" \
    || fail "$soname does not resolve to $out_dir (ldd: $(grep "$soname" <<<"$resolved" | tr -s ' '))"
done

(cd "$out_dir" && find . -maxdepth 1 -type f ! -name "$(basename "$manifest")" ! -name '*.tmp' -printf '%f\n' \
  | LC_ALL=C sort | xargs sha256sum) >"$manifest.tmp"
mv -f "$manifest.tmp" "$manifest"
mkdir -p "$stamp_dir"
printf '%s' "$build_key" >"$stamp"
echo "[INFO] built $lib ($cflags; PNG reader: $png_reader) with ${bundled[*]} beside it"

#!/bin/bash
# Makes the progressive JPEGs of NativeProgressiveEntropyTest (stoker_phuff.c against libjpeg's own
# progressive Huffman decoder): small photo-like images at sizes that are not multiples of 8 or 16,
# 4:2:0, 4:2:2, 4:4:4, grayscale and Adobe CMYK, each turned progressive by jpegtran (Debian's
# libjpeg-turbo-progs) with libjpeg's default scan script and with custom scripts (spectral
# selection only; deep successive approximation; one DC scan per component), without and with a
# restart interval. Writes the files and index.txt into this directory. Same inputs, same bytes:
# the images come from a seeded generator; needs /usr/bin/python3 with PIL and jpegtran.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp" <<'PY'
import random, sys
from PIL import Image, ImageDraw
out = sys.argv[1]
def photo(w, h, seed):
    rnd = random.Random(seed)
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = ((x * 255 // w + rnd.randint(-20, 20)) % 256, (y * 255 // h + rnd.randint(-20, 20)) % 256,
                        ((x ^ y) * 7 + rnd.randint(0, 40)) % 256)
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        d.ellipse([x0, y0, x0 + rnd.randint(3, w), y0 + rnd.randint(3, h)],
                  fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    return img
kinds = [("420", 61, 47, 2), ("422", 70, 33, 1), ("444", 45, 50, 0), ("gray", 37, 29, None),
         ("cmyk", 33, 27, None), ("420big", 203, 117, 2)]
for i, (kind, w, h, sub) in enumerate(kinds):
    img = photo(w, h, 1000 + i)
    if kind == "gray":
        img.convert("L").save(f"{out}/{kind}.jpg", quality=90)
    elif kind == "cmyk":
        img.convert("CMYK").save(f"{out}/{kind}.jpg", quality=90)
    else:
        img.save(f"{out}/{kind}.jpg", quality=92, subsampling=sub)
PY
# Scan scripts for n components: spectral selection only; successive approximation down to the
# last bit in several steps; DC one component at a time.
script() {
  local name=$1 n=$2 all c
  all=$(seq -s, 0 $((n - 1)))
  case $name in
    spectral)
      echo "$all: 0 0 0 0;"
      for c in $(seq 0 $((n - 1))); do echo "$c: 1 5 0 0; $c: 6 20 0 0; $c: 21 63 0 0;"; done ;;
    approx)
      echo "$all: 0 0 0 2;"
      for c in $(seq 0 $((n - 1))); do echo "$c: 1 63 0 3;"; done
      echo "$all: 0 0 2 1;"
      for c in $(seq 0 $((n - 1))); do echo "$c: 1 63 3 2; $c: 1 9 2 1; $c: 10 63 2 1;"; done
      echo "$all: 0 0 1 0;"
      for c in $(seq 0 $((n - 1))); do echo "$c: 1 63 1 0;"; done ;;
    dcsplit)
      for c in $(seq 0 $((n - 1))); do echo "$c: 0 0 0 1;"; done
      for c in $(seq 0 $((n - 1))); do echo "$c: 1 2 0 0; $c: 3 63 0 1;"; done
      for c in $(seq 0 $((n - 1))); do echo "$c: 0 0 1 0;"; done
      for c in $(seq 0 $((n - 1))); do echo "$c: 3 63 1 0;"; done ;;
  esac
}
: >"$dir/index.txt"
for src in "$tmp"/*.jpg; do
  kind=$(basename "$src" .jpg)
  case $kind in gray) n=1 ;; cmyk) n=4 ;; *) n=3 ;; esac
  for name in default spectral approx dcsplit; do
    for restart in 0 3B; do
      args=(-progressive -copy none)
      if [[ $name != default ]]; then
        script "$name" "$n" >"$tmp/$name-$n.txt"
        args+=(-scans "$tmp/$name-$n.txt")
      fi
      [[ $restart != 0 ]] && args+=(-restart "$restart")
      file="$kind-$name-r$restart.jpg"
      jpegtran "${args[@]}" "$src" >"$dir/$file"
      echo "$file" >>"$dir/index.txt"
    done
  done
done

#!/bin/bash
# Makes the sequential (baseline) JPEGs of NativeSequentialEntropyTest (stoker_shuff.c against
# libjpeg's own Huffman decoder, jdhuff.c): small photo-like images at sizes that are not multiples
# of 8 or 16, in 4:2:0, 4:2:2, 4:4:4, 4:1:1, 4:4:0 and grayscale by cjpeg (Debian's
# libjpeg-turbo-progs), with standard and optimized Huffman tables, without and with restart
# intervals (every 2 MCUs; every MCU row); and Adobe CMYK by PIL; and one arithmetic-coded file. Writes the files and index.txt
# into this directory. Same inputs, same bytes: the images come from a seeded generator; needs
# /usr/bin/python3 with PIL and cjpeg.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp" "$dir" <<'PY'
import random, sys
from PIL import Image, ImageDraw
out, dest = sys.argv[1], sys.argv[2]
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
for i, (name, w, h) in enumerate([("a", 61, 47), ("b", 70, 33), ("c", 203, 117), ("d", 9, 300)]):
    photo(w, h, 2000 + i).save(f"{out}/{name}.ppm")
cmyk = photo(45, 50, 2100).convert("CMYK")
cmyk.save(f"{dest}/cmyk-std.jpg", quality=90)
cmyk.save(f"{dest}/cmyk-opt.jpg", quality=90, optimize=True)
PY
cd "$dir"
ls cmyk-*.jpg >index.txt
for img in a b c d; do
  for sample in 2x2 2x1 1x1 4x1 1x2 gray; do
    for tables in std opt; do
      for restart in 0 2B 1; do
        args=(-quality 88)
        if [ "$sample" = gray ]; then args+=(-grayscale); else args+=(-sample "$sample,1x1,1x1"); fi
        if [ "$tables" = opt ]; then args+=(-optimize); fi
        if [ "$restart" != 0 ]; then args+=(-restart "$restart"); fi
        name="$img-$sample-$tables-r$restart.jpg"
        cjpeg "${args[@]}" -outfile "$name" "$tmp/$img.ppm"
        echo "$name" >>index.txt
      done
    done
  done
done
# Not in index.txt: arithmetic coding, which only libjpeg's decoder reads.
cjpeg -quality 88 -arithmetic -outfile arith.jpg "$tmp/a.ppm"

#!/usr/bin/python3
"""Builds the variants corpus: the same photographs saved each way real datasets hold them.

Sources are the photographs ../shared/bench/make_corpus.py uses (Debian wallpapers). Image i of
every encoding is the same random crop of the same photograph at an ImageNet-like size (mostly
500 on the long side, aspect 3:4..4:3), so encodings compare like for like. One ImageFolder
tree per encoding, under OUT:

  baseline-420/<class>/NNNNN.jpg   sequential, 4:2:0 (PIL's default), quality 75..95
  progressive/                     progressive 4:2:0 (libjpeg's default scan script)
  444/                             sequential, 4:4:4 (no chroma subsampling)
  422/                             sequential, 4:2:2
  gray/                            one-component grayscale
  cmyk/                            Adobe CMYK (inverted, as Photoshop and PIL write it)
  exif-rotated/                    stored rotated, EXIF Orientation 6, 8, 3 or 1..8 mixed, so the
                                   displayed picture is upright
  upper-ext/                       baseline 4:2:0 named .JPG and .JPEG
  mix-png25/                       baseline 4:2:0 with every fourth image a PNG (compress level 6)
  MANIFEST.txt                     counts, bytes and the seed per encoding

Same seed, same bytes. Run with /usr/bin/python3 (PIL).
Usage: make-variants.py OUT [--photos DIR] [--count N] [--seed S] [--only ENC,ENC]
"""
import argparse
import io
import random
import sys
from pathlib import Path

from PIL import Image

PHOTO_NAMES = [
    "Autumn", "BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour",
    "EveningGlow", "FallenLeaf", "Kite", "OneStandsOut", "Path", "summer_1am",
]
ENCODINGS = ["baseline-420", "progressive", "444", "422", "gray", "cmyk", "exif-rotated",
             "upper-ext", "mix-png25"]
# Stored = displayed.transpose(T) for EXIF orientation o, so that a reader applying o shows
# the picture upright (the inverse of PIL's ImageOps.exif_transpose).
STORE_FOR = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
# Phone cameras write 6 (portrait) and 1 most, then 8 and 3; the others are rare but legal.
ORIENTATIONS = [6, 6, 6, 8, 8, 3, 1, 2, 4, 5, 7]


def find_photos(root):
    found = [p for name in PHOTO_NAMES
             for p in [Path(root) / name / "contents" / "images" / "2560x1600.jpg"] if p.exists()]
    if not found:  # any directory of JPEG photos will do
        found = sorted(p for p in Path(root).rglob("*.jpg") if p.stat().st_size > 200_000)
    return found


def imagenet_size(rng):
    long_side = rng.choice([500, 500, 500, 375, 400, 640])
    aspect = rng.uniform(0.75, 1.3333)
    if aspect >= 1:
        return long_side, max(64, int(long_side / aspect))
    return max(64, int(long_side * aspect)), long_side


def random_crop(rng, img, w, h):
    W, H = img.size
    scale = rng.uniform(0.35, 1.0)
    cw = min(W, int(W * scale))
    ch = int(cw * h / w)
    if ch > H:
        ch = H
        cw = int(ch * w / h)
    x = rng.randint(0, W - cw)
    y = rng.randint(0, H - ch)
    return img.crop((x, y, x + cw, y + ch)).resize((w, h), Image.BILINEAR)


def jpeg(img, quality, **kw):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def encode(enc, i, img, rng):
    """(bytes, extension) of picture i in encoding enc; rng is this image's own."""
    q = rng.choice([75, 85, 90, 95])
    if enc == "baseline-420":
        return jpeg(img, q, subsampling=2), ".jpg"
    if enc == "progressive":
        return jpeg(img, q, subsampling=2, progressive=True), ".jpg"
    if enc == "444":
        return jpeg(img, q, subsampling=0), ".jpg"
    if enc == "422":
        return jpeg(img, q, subsampling=1), ".jpg"
    if enc == "gray":
        return jpeg(img.convert("L"), q), ".jpg"
    if enc == "cmyk":
        return jpeg(img.convert("CMYK"), q), ".jpg"
    if enc == "exif-rotated":
        o = rng.choice(ORIENTATIONS)
        stored = img.transpose(STORE_FOR[o]) if o in STORE_FOR else img
        exif = Image.Exif()
        exif[0x0112] = o
        return jpeg(stored, q, subsampling=2, exif=exif.tobytes()), ".jpg"
    if enc == "upper-ext":
        return jpeg(img, q, subsampling=2), ".JPG" if i % 2 == 0 else ".JPEG"
    if enc == "mix-png25":
        if i % 4 == 3:
            buf = io.BytesIO()
            img.save(buf, "PNG", compress_level=6)
            return buf.getvalue(), ".png"
        return jpeg(img, q, subsampling=2), ".jpg"
    raise ValueError(enc)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--photos", default="/usr/share/wallpapers")
    ap.add_argument("--count", type=int, default=1000, help="images per encoding")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--only", default=",".join(ENCODINGS), help="comma-separated encodings")
    a = ap.parse_args()
    encodings = [e for e in a.only.split(",") if e]
    unknown = [e for e in encodings if e not in ENCODINGS]
    if unknown:
        sys.exit(f"unknown encodings {unknown}; known: {', '.join(ENCODINGS)}")
    photos = find_photos(a.photos)
    if not photos:
        sys.exit(f"no photographs under {a.photos}: apt-get install plasma-workspace-wallpapers")
    sources = [Image.open(p).convert("RGB") for p in photos]
    classes = [p.parent.parent.parent.name.lower() for p in photos]
    out = Path(a.out)
    totals = {e: [0, 0] for e in encodings}
    for i in range(a.count):
        rng = random.Random(f"{a.seed}:{i}")  # picture i is the same in every encoding
        k = i % len(sources)
        w, h = imagenet_size(rng)
        img = random_crop(rng, sources[k], w, h)
        for enc in encodings:
            data, ext = encode(enc, i, img, random.Random(f"{a.seed}:{i}:{enc}"))
            d = out / enc / classes[k]
            d.mkdir(parents=True, exist_ok=True)
            (d / f"{i:05d}{ext}").write_bytes(data)
            totals[enc][0] += 1
            totals[enc][1] += len(data)
    lines = [f"seed {a.seed}", f"photos {len(photos)}"]
    lines += [f"{e} {n} images {b} bytes" for e, (n, b) in totals.items()]
    (out / "MANIFEST.txt").write_text("\n".join(lines) + "\n")
    print((out / "MANIFEST.txt").read_text(), end="")


if __name__ == "__main__":
    main()

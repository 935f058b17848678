#!/usr/bin/env python3
"""Writes an ImageFolder tree of 6-12 MP JPEG photographs, for the large-image workload.

    /usr/bin/python3 scripts/make-large-photos.py OUT [--count N] [--seed S] [--photos DIR]

Each image is a random crop of one of the wallpaper photographs the benchmark corpus uses
(plasma-workspace-wallpapers, 2560x1600 and larger), scaled up or down to a camera-like size
between 6 and 12 megapixels (3:2 or 4:3, landscape or portrait) and saved as a baseline 4:2:0
JPEG at quality 90, under OUT/train/<photo name>/NNNNN.jpg. Same seed, same bytes.
"""
import argparse
import random
from pathlib import Path

from PIL import Image

SIZES = [(3000, 2000), (3264, 2448), (3456, 2304), (4000, 3000), (4032, 2688), (4000, 2667)]


def photos(root):
    found = sorted(p for p in Path(root).rglob("*.jpg") if p.stat().st_size > 200_000)
    return [p for p in found if "screenshot" not in p.name]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--photos", default="/usr/share/wallpapers")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sources = photos(a.photos)
    if not sources:
        raise SystemExit(f"no JPEG photographs under {a.photos}: apt-get install plasma-workspace-wallpapers")
    cache = {}
    for i in range(a.count):
        src = sources[i % len(sources)]
        if src not in cache:
            cache[src] = Image.open(src).convert("RGB")
        img = cache[src]
        w, h = rng.choice(SIZES)
        if rng.random() < 0.25:
            w, h = h, w
        W, H = img.size
        scale = rng.uniform(0.5, 1.0)
        cw = max(1, int(W * scale))
        ch = int(cw * h / w)
        if ch > H:
            ch = H
            cw = int(ch * w / h)
        x, y = rng.randint(0, W - cw), rng.randint(0, H - ch)
        out = img.crop((x, y, x + cw, y + ch)).resize((w, h), Image.BICUBIC)
        d = Path(a.out) / "train" / src.parent.parent.parent.name.lower()
        d.mkdir(parents=True, exist_ok=True)
        out.save(d / f"{i:05d}.jpg", "JPEG", quality=90)
    print(f"{a.count} photographs of 6-12 MP under {a.out}/train")


if __name__ == "__main__":
    main()

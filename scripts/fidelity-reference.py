#!/usr/bin/env python3
"""Makes the fidelity test's images and their torchvision reference outputs.

    /usr/bin/python3 scripts/fidelity-reference.py [OUTDIR]

OUTDIR defaults to loader-reactor/src/test/resources/fidelity. Needs numpy, PIL, torch and
torchvision (the versions the PyTorch peer runs: torch 1.13, torchvision 0.14). Writes:

  NAME.jpg       a synthetic photograph-like image (shapes, gradients, blur, noise) at an odd size,
                 JPEG quality 90, chroma 4:2:0 or 4:4:4
  NAME.S.png     torchvision's Resize(S * 8 / 7) + CenterCrop(S) of NAME.jpg decoded by PIL (the
                 bilinear, antialiased PIL resize): what Stoker's imagenet-eval(S) should produce
  manifest.txt   one line per reference: "NAME.jpg S NAME.S.png KIND", KIND "full" for an image
                 under twice the resized size (never DCT-scaled), "scaled" for one the default
                 decodes at 1/2 scale

ReferenceFidelityTest (no Python) runs each image through Stoker's imagenet-eval(S) and compares
with the PNG. The images are generated from fixed seeds, so rerunning rewrites the same files.
The "scaled" images are compared through ImageDecoders.fullScale, the exact-reference mode.
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from torchvision import transforms

# (name, width, height, subsampling: 2 = 4:2:0, 0 = 4:4:4, output size S, seed)
IMAGES = [
    ("land420", 391, 293, 2, 224, 1),
    ("port444", 301, 437, 0, 224, 2),
    ("small420a", 117, 89, 2, 56, 3),
    ("small420b", 71, 123, 2, 56, 4),
    ("small420c", 101, 101, 2, 56, 5),
    ("small444a", 119, 83, 0, 56, 6),
    ("small444b", 77, 109, 0, 56, 7),
    ("small444c", 93, 75, 0, 56, 8),
    # at least twice the resized size: by default the decoder scales these by 1/2 (DCT scaling)
    ("scaled420", 157, 131, 2, 56, 9),
    ("scaled444", 141, 173, 0, 56, 10),
]


def scene(width, height, seed):
    """A photograph-like RGB image: smooth gradients, shapes with sharp and soft edges, fine texture."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([
        127 + 100 * np.sin(x / (7 + 9 * rng.rand()) + rng.rand() * 6),
        127 + 100 * np.cos(y / (5 + 11 * rng.rand()) + rng.rand() * 6),
        127 + 100 * np.sin((x + y) / (9 + 5 * rng.rand())),
    ], axis=2)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, x1 = sorted(rng.randint(0, width, 2))
        y0, y1 = sorted(rng.randint(0, height, 2))
        colour = tuple(int(c) for c in rng.randint(0, 256, 3))
        if rng.rand() < 0.5:
            draw.ellipse([x0, y0, x1 + 2, y1 + 2], fill=colour)
        else:
            draw.line([x0, y0, x1, y1], fill=colour, width=int(rng.randint(1, 4)))
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    noisy = np.asarray(image).astype(np.float64) + rng.normal(0, 12, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "loader-reactor", "src", "test",
                                                             "resources", "fidelity")
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, width, height, subsampling, size, seed in IMAGES:
        jpeg = os.path.join(out, name + ".jpg")
        scene(width, height, seed).save(jpeg, quality=90, subsampling=subsampling)
        reference = transforms.Compose([transforms.Resize(size * 8 // 7), transforms.CenterCrop(size)])
        result = reference(Image.open(jpeg).convert("RGB"))
        png = "%s.%d.png" % (name, size)
        result.save(os.path.join(out, png), optimize=True)
        kind = "scaled" if min(width, height) >= 2 * (size * 8 // 7) else "full"
        lines.append("%s.jpg %d %s %s\n" % (name, size, png, kind))
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The PyTorch peer for Stoker's augmentation steps: a torch DataLoader over an ImageFolder tree
running one training recipe, uint8 NCHW batches out (no normalize, as the GPU would do it), so
that decode plus augmentation cost compares with `stoker bench --transforms SPEC`.

Every recipe starts with RandomResizedCrop(--size) and a horizontal flip (p 0.5) on the PIL image,
as ../shared/bench/peer_torch.py --mode train-uint8 does, then adds:

  baseline            nothing
  randaugment         RandAugment(num_ops=2, magnitude=9), 31 bins (torchvision's defaults)
  randaugment-mixup   RandAugment as above, then MixUp(alpha=0.2) on each batch (soft targets)
  trivialaugment      TrivialAugmentWide (31 bins)
  erasing             RandomErasing(p=0.5, scale [0.02, 0.33], ratio [0.3, 3.3], value 0) on the
                      uint8 tensor
  blur                GaussianBlur(kernel 23, sigma uniform in [0.1, 2.0])
  grayscale           RandomGrayscale(p=0.2)
  colorjitter         ColorJitter(brightness 0.4, contrast 0.4, saturation 0.4, hue 0.1)
  photometric         the SSD recipe's photometric distortions (torchvision's detection reference
                      RandomPhotometricDistort defaults: brightness [0.875, 1.125], contrast and
                      saturation [0.5, 1.5], hue 0.05, each p 0.5, channel permutation p 0.5)
  mixup               MixUp(alpha=0.2) on each batch (soft targets)
  cutmix              CutMix(alpha=1.0) on each batch (soft targets)

Per-sample steps run in the DataLoader workers where the torchvision classification reference
runs them: the photometric and policy steps on the PIL image, erasing (and the photometric
channel permutation) on the uint8 tensor. MixUp and CutMix run in the collate function, i.e. in
the workers too, before the batch leaves them. torchvision 0.14 (Debian 12's) has no
transforms.v2 and no MixUp/CutMix transform, so the batch steps and the photometric distortion
are written here with torch ops, and this code runs whatever the torchvision version, so every
version measures the same work (MixUp blends in float32 and rounds back to uint8).

Usage: peer_recipe.py DIR [--recipe NAME] [--workers N] [--batch B] [--epochs E] [--size S] [--limit N]
Prints one JSON line (images_per_s, like peer_torch.py) after one untimed warm-up epoch.
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torchvision
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms as T
from torchvision.transforms import functional as F

RECIPES = ["baseline", "randaugment", "randaugment-mixup", "trivialaugment", "erasing", "blur",
           "grayscale", "colorjitter", "photometric", "mixup", "cutmix"]


class PhotometricDistort:
    """The SSD recipe's photometric distortions on a PIL image, the channel permutation left to
    ChannelShuffle (it is cheaper on the uint8 tensor)."""

    def __init__(self, p=0.5):
        self.p = p
        self.brightness = T.ColorJitter(brightness=(0.875, 1.125))
        self.contrast = T.ColorJitter(contrast=(0.5, 1.5))
        self.saturation = T.ColorJitter(saturation=(0.5, 1.5))
        self.hue = T.ColorJitter(hue=(-0.05, 0.05))

    def __call__(self, image):
        u = [random.random() for _ in range(5)]
        if u[0] < self.p:
            image = self.brightness(image)
        contrast_first = u[1] < 0.5
        if contrast_first and u[2] < self.p:
            image = self.contrast(image)
        if u[3] < self.p:
            image = self.saturation(image)
        if u[4] < self.p:
            image = self.hue(image)
        if not contrast_first and random.random() < self.p:
            image = self.contrast(image)
        return image


class ChannelShuffle:
    """With probability p, permutes the channels of a CHW tensor (the last draw of the SSD recipe's
    photometric distortion)."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, x):
        if random.random() < self.p:
            x = x[torch.randperm(x.shape[0])]
        return x


class BatchMix:
    """Collates (uint8 CHW image, int label) samples into a uint8 NCHW batch and float32 soft
    targets [batch, classes], mixing each sample with its neighbour in the batch (the batch rolled
    by one, as torchvision's classification reference pairs them), with lambda ~ Beta(alpha, alpha)
    drawn once per batch.

    mixup: pixels = round(lam * x + (1 - lam) * partner), targets mixed with lam.
    cutmix: a box of sides sqrt(1 - lam) times the image's, centred on a uniform pixel and clipped
    to the image, is copied from the partner; targets mixed with the area actually kept.
    """

    def __init__(self, kind, alpha, classes):
        if kind not in ("mixup", "cutmix"):
            raise ValueError("kind: mixup or cutmix, got " + kind)
        if alpha <= 0:
            raise ValueError("alpha must be positive, got %r" % alpha)
        self.kind, self.alpha, self.classes = kind, alpha, classes

    def __call__(self, samples):
        x = torch.stack([s[0] for s in samples])
        y = torch.tensor([s[1] for s in samples], dtype=torch.int64)
        soft = torch.nn.functional.one_hot(y, self.classes).to(torch.float32)
        lam = random.betavariate(self.alpha, self.alpha)
        partner = x.roll(1, 0)
        if self.kind == "mixup":
            mixed = x.to(torch.float32).mul_(lam).add_(partner.to(torch.float32), alpha=1.0 - lam)
            x = mixed.round_().clamp_(0, 255).to(torch.uint8)
        else:
            h, w = x.shape[-2:]
            half_w = int(0.5 * math.sqrt(1.0 - lam) * w)
            half_h = int(0.5 * math.sqrt(1.0 - lam) * h)
            cx, cy = random.randrange(w), random.randrange(h)
            x0, x1 = max(cx - half_w, 0), min(cx + half_w, w)
            y0, y1 = max(cy - half_h, 0), min(cy + half_h, h)
            x[:, :, y0:y1, x0:x1] = partner[:, :, y0:y1, x0:x1]
            lam = 1.0 - (x1 - x0) * (y1 - y0) / float(w * h)
        soft_partner = soft.roll(1, 0)
        soft.mul_(lam).add_(soft_partner, alpha=1.0 - lam)
        return x, soft


def build(recipe, size, classes):
    """Returns (per-sample transform, collate function or None, description of the steps)."""
    pil = [T.RandomResizedCrop(size), T.RandomHorizontalFlip()]
    tensor = []
    mix = None
    steps = ["RandomResizedCrop(%d)" % size, "HorizontalFlip"]
    if recipe in ("randaugment", "randaugment-mixup"):
        pil.append(T.RandAugment(num_ops=2, magnitude=9))
        steps.append("RandAugment(num_ops=2, magnitude=9)")
    elif recipe == "trivialaugment":
        pil.append(T.TrivialAugmentWide())
        steps.append("TrivialAugmentWide")
    elif recipe == "erasing":
        tensor.append(T.RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0))
        steps.append("RandomErasing(p=0.5, value=0)")
    elif recipe == "blur":
        pil.append(T.GaussianBlur(23, sigma=(0.1, 2.0)))
        steps.append("GaussianBlur(23, (0.1, 2.0))")
    elif recipe == "grayscale":
        pil.append(T.RandomGrayscale(p=0.2))
        steps.append("RandomGrayscale(0.2)")
    elif recipe == "colorjitter":
        pil.append(T.ColorJitter(0.4, 0.4, 0.4, 0.1))
        steps.append("ColorJitter(0.4, 0.4, 0.4, 0.1)")
    elif recipe == "photometric":
        pil.append(PhotometricDistort())
        tensor.append(ChannelShuffle())
        steps.append("PhotometricDistort")
    if recipe in ("mixup", "randaugment-mixup"):
        mix = BatchMix("mixup", 0.2, classes)
        steps.append("MixUp(alpha=0.2)")
    elif recipe == "cutmix":
        mix = BatchMix("cutmix", 1.0, classes)
        steps.append("CutMix(alpha=1.0)")
    return T.Compose(pil + [T.PILToTensor()] + tensor), mix, steps


def spread(n, limit):
    """limit indices spread evenly over range(n), so that a small subset still covers every class."""
    if limit >= n:
        return list(range(n))
    return [i * n // limit for i in range(limit)]


def check(x, y, batch_mix, size, classes):
    if x.dtype != torch.uint8 or x.dim() != 4 or tuple(x.shape[1:]) != (3, size, size):
        raise SystemExit("peer_recipe: expected uint8 [N, 3, %d, %d], got %s %s"
                         % (size, size, x.dtype, tuple(x.shape)))
    if batch_mix:
        ok = y.dtype == torch.float32 and tuple(y.shape) == (x.shape[0], classes) and \
            torch.allclose(y.sum(1), torch.ones(x.shape[0]), atol=1e-5)
    else:
        ok = y.dtype == torch.int64 and tuple(y.shape) == (x.shape[0],)
    if not ok:
        raise SystemExit("peer_recipe: unexpected targets %s %s" % (y.dtype, tuple(y.shape)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="an ImageFolder tree (one folder per class)")
    ap.add_argument("--recipe", choices=RECIPES, default="baseline")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2, help="timed epochs, after one untimed one")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--limit", type=int, default=0, help="use only N images spread over the tree (0: all)")
    ap.add_argument("--mode", default=None, help="ignored (accepted for scripts/bench-vs-peer.sh)")
    a = ap.parse_args()
    for name in ("workers", "limit"):
        if getattr(a, name) < 0:
            ap.error("--%s must be at least 0" % name)
    for name in ("batch", "epochs", "size"):
        if getattr(a, name) < 1:
            ap.error("--%s must be at least 1" % name)
    torch.set_num_threads(1)
    folder = datasets.ImageFolder(a.root)
    classes = len(folder.classes)
    tf, mix, steps = build(a.recipe, a.size, classes)
    folder.transform = tf
    ds = Subset(folder, spread(len(folder), a.limit)) if a.limit else folder
    dl = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, collate_fn=mix,
                    pin_memory=torch.cuda.is_available(), persistent_workers=a.workers > 0,
                    drop_last=False)
    for x, y in dl:  # one untimed epoch warms the page cache and the workers
        check(x, y, mix is not None, a.size, classes)
    n = 0
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        for x, _ in dl:
            n += x.shape[0]
    dt = time.perf_counter() - t0
    print(json.dumps({"peer": "torch.DataLoader+torchvision", "recipe": a.recipe, "steps": ", ".join(steps),
                      "layout": "uint8 NCHW", "targets": "float32 soft" if mix else "int64",
                      "workers": a.workers, "batch": a.batch, "images": n, "seconds": round(dt, 3),
                      "images_per_s": round(n / dt, 1), "torch": torch.__version__,
                      "torchvision": torchvision.__version__}))


if __name__ == "__main__":
    main()

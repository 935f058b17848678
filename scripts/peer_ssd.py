#!/usr/bin/env python3
"""The PyTorch peer for Stoker's ssd300-train preset: a torch DataLoader over a COCO detection
dataset doing what the preset does (horizontal flip with p 0.5, the SSD random IoU crop, resize to
300x300, boxes moved with the image), uint8 CHW output.

torchvision 0.14 (Debian 12's) has no box-aware transforms, so the IoU crop follows torchvision's
detection reference recipe, written here with torch ops: IoU thresholds {0, .1, .3, .5, .7, .9,
keep}, scale [0.3, 1], ratio [1/2, 2], up to 40 trials, boxes kept when their centres fall inside
the crop, then clipped.

Usage: peer_ssd.py DIR [--workers N] [--batch B] [--epochs E] [--size S]
  DIR holds annotations.json (COCO instances) and images/.
Prints one JSON line with images_per_s, like ../shared/bench/peer_torch.py.
"""
import argparse
import json
import os
import random
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision.ops import box_iou
from torchvision.transforms import functional as F

OPTIONS = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, None]  # None: keep the whole image


class CocoDetection(Dataset):
    def __init__(self, root, size):
        with open(os.path.join(root, "annotations.json")) as f:
            coco = json.load(f)
        cats = sorted(c["id"] for c in coco["categories"])
        label = {cid: i for i, cid in enumerate(cats)}
        boxes = {img["id"]: [] for img in coco["images"]}
        for a in coco["annotations"]:
            if a.get("iscrowd", 0):
                continue
            x, y, w, h = a["bbox"]
            boxes[a["image_id"]].append((x, y, x + w, y + h, label[a["category_id"]]))
        self.items = [(os.path.join(root, "images", img["file_name"]), boxes[img["id"]])
                      for img in coco["images"]]
        self.size = size

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        path, anns = self.items[i]
        image = Image.open(path).convert("RGB")
        boxes = torch.tensor([a[:4] for a in anns], dtype=torch.float32).reshape(-1, 4)
        labels = torch.tensor([a[4] for a in anns], dtype=torch.int64)
        w, h = image.size
        if random.random() < 0.5:
            image = F.hflip(image)
            boxes = torch.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], dim=1)
        image, boxes, labels = iou_crop(image, boxes, labels)
        w, h = image.size
        image = F.resize(image, [self.size, self.size])
        boxes = boxes * torch.tensor([self.size / w, self.size / h, self.size / w, self.size / h])
        return F.pil_to_tensor(image), boxes, labels


def iou_crop(image, boxes, labels):
    w, h = image.size
    while True:
        threshold = random.choice(OPTIONS)
        if threshold is None:
            return image, boxes, labels
        for _ in range(40):
            sw, sh = random.uniform(0.3, 1.0), random.uniform(0.3, 1.0)
            cw, ch = int(w * sw), int(h * sh)
            if cw == 0 or ch == 0 or not 0.5 <= cw / ch <= 2.0:
                continue
            left, top = int((w - cw) * random.random()), int((h - ch) * random.random())
            right, bottom = left + cw, top + ch
            if len(boxes) == 0:
                return image.crop((left, top, right, bottom)), boxes, labels
            cx = (boxes[:, 0] + boxes[:, 2]) / 2
            cy = (boxes[:, 1] + boxes[:, 3]) / 2
            inside = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
            if not inside.any():
                continue
            kept = boxes[inside]
            crop = torch.tensor([[left, top, right, bottom]], dtype=torch.float32)
            if box_iou(kept, crop).max() < threshold:
                continue
            kept = kept - torch.tensor([left, top, left, top], dtype=torch.float32)
            kept[:, 0::2].clamp_(0, cw)
            kept[:, 1::2].clamp_(0, ch)
            return image.crop((left, top, right, bottom)), kept, labels[inside]


def collate(batch):
    return torch.stack([b[0] for b in batch]), [b[1] for b in batch], [b[2] for b in batch]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--size", type=int, default=300)
    ap.add_argument("--mode", default="ssd300-train")  # accepted for bench-vs-peer.sh; one mode
    a = ap.parse_args()
    torch.set_num_threads(1)
    ds = CocoDetection(a.root, a.size)
    dl = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, collate_fn=collate,
                    persistent_workers=a.workers > 0, drop_last=False)
    for _ in dl:  # one untimed epoch warms the page cache and the workers
        pass
    n = boxes = 0
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        for x, b, _ in dl:
            n += x.shape[0]
            boxes += sum(len(t) for t in b)
    dt = time.perf_counter() - t0
    print(json.dumps({"peer": "torch.DataLoader+torchvision (SSD recipe)", "mode": "ssd300-train",
                      "workers": a.workers, "batch": a.batch, "images": n, "boxes": boxes,
                      "seconds": round(dt, 3), "images_per_s": round(n / dt, 1)}))


if __name__ == "__main__":
    main()

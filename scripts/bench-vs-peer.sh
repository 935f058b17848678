#!/usr/bin/env bash
# Measures Stoker against the PyTorch DataLoader peer side by side, on the same cores, in one run:
# peer, ours, peer again. Prints each JSON line and the ratio of ours to the mean of the two peer runs.
#
# Usage: scripts/bench-vs-peer.sh DIR [PRESET] [extra stoker bench args...]
#   DIR     an ImageFolder tree, e.g. the corpus's classify/train
#   PRESET  imagenet-train (default; the peer runs --mode train-uint8), decode-only (peer --mode decode),
#           or ssd300-train (DIR is a COCO layout: annotations.json + images/; the peer is
#           scripts/peer_ssd.py, the same flip, IoU crop and resize in torch)
# Needs /usr/bin/python3 with Debian's python3-torch, python3-torchvision, python3-pil, and the
# peer script at ${PEER:-../shared/bench/peer_torch.py}.
set -euo pipefail
DIR=${1:?usage: scripts/bench-vs-peer.sh DIR [PRESET] [stoker bench args...]}
PRESET=${2:-imagenet-train}
shift $(( $# >= 2 ? 2 : 1 ))
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEFAULT_PEER=$HERE/../shared/bench/peer_torch.py
[[ "$PRESET" == ssd300-train ]] && DEFAULT_PEER=$HERE/scripts/peer_ssd.py
PEER=${PEER:-$DEFAULT_PEER}
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-2}
case "$PRESET" in
  imagenet-train) MODE=train-uint8 ;;
  decode-only) MODE=decode ;;
  ssd300-train) MODE=ssd300-train ;;
  *) MODE=train-uint8 ;;
esac

peer() { /usr/bin/python3 "$PEER" "$DIR" --workers "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --mode "$MODE" | tail -1; }
ours() { "$HERE/stoker" bench "$DIR" --threads "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --preset "$PRESET" --json "$@" 2>/dev/null | tail -1; }

"$HERE/stoker" --version >/dev/null   # builds first, outside the timed runs
P1=$(peer); echo "peer:  $P1"
O=$(ours "$@"); echo "ours:  $O"
P2=$(peer); echo "peer:  $P2"
/usr/bin/python3 - "$P1" "$O" "$P2" <<'PY'
import json, sys
p1, o, p2 = (json.loads(s) for s in sys.argv[1:4])
peer = (p1["images_per_s"] + p2["images_per_s"]) / 2
print(json.dumps({"ours_images_per_s": o["images_per_s"], "peer_images_per_s": round(peer, 1),
                  "ratio": round(o["images_per_s"] / peer, 2), "decoder": o["decoder"]}))
PY

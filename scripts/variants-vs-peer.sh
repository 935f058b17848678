#!/usr/bin/env bash
# Runs scripts/bench-vs-peer.sh (peer, ours, peer) on every encoding of the variants corpus that
# scripts/make-variants.py builds, and prints one JSON line per encoding plus a table:
# images/s ours and the peer's, and the ratio.
#
# Usage: scripts/variants-vs-peer.sh [VARIANTS] [PRESET] [extra stoker bench args...]
#   VARIANTS  the corpus root (default /work/variants; build it with
#             /usr/bin/python3 scripts/make-variants.py /work/variants)
#   PRESET    imagenet-train (default; the peer runs --mode train-uint8)
# ONLY="444 gray" limits the encodings; WORKERS, BATCH, EPOCHS, PEER as for bench-vs-peer.sh.
# The peer (torchvision's ImageFolder + PIL) reads every encoding, including .JPG/.JPEG names,
# CMYK and grayscale (PIL's convert("RGB")), but does not apply EXIF orientation; Stoker does.
set -euo pipefail
VARIANTS=${1:-/work/variants}
PRESET=${2:-imagenet-train}
shift $(( $# >= 2 ? 2 : $# ))
HERE=$(cd "$(dirname "$0")/.." && pwd)
ENCODINGS=${ONLY:-baseline-420 progressive 444 422 gray cmyk exif-rotated upper-ext mix-png25}
RESULTS=()
for enc in $ENCODINGS; do
  dir=$VARIANTS/$enc
  [ -d "$dir" ] || { echo "no $dir: build it with scripts/make-variants.py" >&2; exit 1; }
  line=$("$HERE/scripts/bench-vs-peer.sh" "$dir" "$PRESET" "$@" | tail -1)
  echo "{\"encoding\": \"$enc\", ${line#\{}"
  RESULTS+=("$enc $line")
done
echo
printf '%-14s %10s %10s %7s\n' encoding ours peer ratio
for r in "${RESULTS[@]}"; do
  /usr/bin/python3 - "$r" <<'PY'
import json, sys
enc, line = sys.argv[1].split(" ", 1)
j = json.loads(line)
print(f"{enc:<14} {j['ours_images_per_s']:>10} {j['peer_images_per_s']:>10} {j['ratio']:>6}x")
PY
done

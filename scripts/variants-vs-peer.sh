#!/usr/bin/env bash
# Runs scripts/bench-vs-peer.sh (peer, ours, peer) on every encoding of the variants corpus that
# scripts/make-variants.py builds, and prints one JSON line per encoding plus a table:
# images/s ours and the peer's, and the ratio; then every JPEG encoding together (mix-png25 left
# out): the rate at which one pass over each encoding's images goes, ours and the peer's.
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
printf '%s\n' "${RESULTS[@]}" > "${TMPDIR:-/tmp}/variants-vs-peer.$$"
/usr/bin/python3 - "${TMPDIR:-/tmp}/variants-vs-peer.$$" <<'PY'
import json, sys
# Every encoding has the same number of images: all of them together go at
# count / sum(count / rate), for ours and the peer alike (the time to read each encoding once).
ours_time = peer_time = 0.0
jpeg = 0
for row in open(sys.argv[1]):
    enc, line = row.rstrip("\n").split(" ", 1)
    j = json.loads(line)
    o, p, r = j["ours_images_per_s"], j["peer_images_per_s"], j["ratio"]
    print(f"{enc:<14} {o:>10} {p:>10} {r:>6}x")
    if enc != "mix-png25":
        ours_time += 1.0 / o
        peer_time += 1.0 / p
        jpeg += 1
if jpeg > 1:
    ours, peer = jpeg / ours_time, jpeg / peer_time
    label = "JPEGs together"
    print(f"{label:<14} {ours:>10.1f} {peer:>10.1f} {ours / peer:>6.2f}x  ({jpeg} JPEG encodings, equal counts)")
PY
rm -f "${TMPDIR:-/tmp}/variants-vs-peer.$$"

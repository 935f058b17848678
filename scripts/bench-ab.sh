#!/usr/bin/env bash
# Before/after on the same cores in one run: builds revision REV in a temporary worktree, then runs
# `stoker bench` from REV and from this checkout in turn, ROUNDS times each, and prints one line per
# run (images/s, consumer wait, digest, heap bytes per image) and the ratio of the means.
#
# Usage: scripts/bench-ab.sh REV DIR [extra stoker bench args...]
#   e.g. scripts/bench-ab.sh f187f73 /work/corpus/classify/train
# Env: ROUNDS (default 3), THREADS (2), BATCH (256), EPOCHS (2).
set -euo pipefail
REV=${1:?usage: scripts/bench-ab.sh REV DIR [stoker bench args...]}
DIR=${2:?usage: scripts/bench-ab.sh REV DIR [stoker bench args...]}
shift 2
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
OLD=$(mktemp -d)/before
trap 'git -C "$HERE" worktree remove --force "$OLD" >/dev/null 2>&1 || true' EXIT
git -C "$HERE" worktree add -q --detach "$OLD" "$REV"
"$OLD/stoker" --version >/dev/null     # builds both first, outside the timed runs
"$HERE/stoker" --version >/dev/null
run() { "$1/stoker" bench "$DIR" --threads "${THREADS:-2}" --batch "${BATCH:-256}" --epochs "${EPOCHS:-2}" --json "${EXTRA[@]}" 2>/dev/null | tail -1; }
RESULTS=()
for ((i = 0; i < ROUNDS; i++)); do
  RESULTS+=("before $(run "$OLD")")
  RESULTS+=("after $(run "$HERE")")
done
printf '%s\n' "${RESULTS[@]}" | /usr/bin/python3 -c '
import json, sys
rates = {"before": [], "after": []}
for line in sys.stdin:
    which, text = line.split(" ", 1)
    d = json.loads(text)
    rates[which].append(d["images_per_s"])
    print(which, d["images_per_s"], "images/s, wait", d["consumer_wait_pct"], "%, digest", d["digest"][:16],
          ", heap", d["heap_bytes_per_image"], "B/image")
b, a = (sum(rates[k]) / len(rates[k]) for k in ("before", "after"))
print(json.dumps({"before_images_per_s": round(b, 1), "after_images_per_s": round(a, 1), "ratio": round(a / b, 3)}))
'

#!/usr/bin/env bash
# Folder vs packs vs the PyTorch peer, on the same cores in one run. Packs DIR twice into a temporary
# directory (timing each): a JPEG pack shrunk once to --max-side 256, and a raw-pixel pack at full
# size. Then ROUNDS rounds, each running in turn (the order rotating from round to round, so that
# load from other processes falls on all of them alike): the PyTorch peer on the folder, and
# `stoker bench` on the folder, on the JPEG pack and on the raw pack (same preset, threads, batch and
# epochs). Then the decode-only digest over the folder and over the raw full-size pack, which must
# be equal (a raw pack made at full size stores exactly the decoded pixels). Prints every run as a
# JSON line, then a table: packing time and size, median images/s per configuration and its ratio
# to the peer's median. The packs are deleted at the end.
#
# Usage: scripts/pack-vs-folder.sh DIR [PRESET]
#   DIR     an ImageFolder tree, e.g. /work/corpus/classify/train or /work/photos-large/train
#   PRESET  imagenet-train (default; the peer runs --mode train-uint8) or decode-only (peer --mode decode)
# Env: ROUNDS (3), WORKERS (2: the peer's workers and stoker's --threads), BATCH (256), EPOCHS (2),
#      MAX_SIDE (256), PACK_ARGS (extra `stoker pack` arguments, e.g. "--workers 2"),
#      PEER (default ../shared/bench/peer_torch.py), TMPDIR (where the packs go: the raw pack of
#      120 photographs of 6-12 MP is about 3 GB), OUT (a JSON-lines file of every run; default in
#      the temporary directory), SKIP_BUILD=1 (use the CLI as built), STOKER (another launcher).
# Needs /usr/bin/python3 with Debian's python3-torch, python3-torchvision and python3-pil for the peer.
set -euo pipefail
case "${1:-}" in
  -h | --help | '') sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; [[ -n "${1:-}" ]]; exit $? ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/pack-bench-common.sh"
DIR=$(cd "$1" && pwd) || { echo "pack-vs-folder.sh: no directory $1" >&2; exit 2; }
PRESET=${2:-imagenet-train}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-2}
MAX_SIDE=${MAX_SIDE:-256}
PEER=${PEER:-$HERE/../shared/bench/peer_torch.py}
[[ -f "$PEER" ]] || PEER=/work/shared/bench/peer_torch.py   # from a worktree under /work/wt
case "$PRESET" in
  imagenet-train) MODE=train-uint8 ;;
  decode-only) MODE=decode ;;
  *) echo "pack-vs-folder.sh: PRESET must be imagenet-train or decode-only, got $PRESET" >&2; exit 2 ;;
esac
[[ -x /usr/bin/python3 ]] || { echo "pack-vs-folder.sh: needs /usr/bin/python3 (the peer's torch)" >&2; exit 2; }
[[ -f "$PEER" ]] || { echo "pack-vs-folder.sh: no peer script at $PEER (set PEER)" >&2; exit 2; }
need du date awk

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stoker-pack-vs-folder.XXXXXX")
trap 'echo "deleting $WORK ..." >&2; rm -rf "$WORK"' EXIT
OUT=${OUT:-$WORK/runs.jsonl}
: >"$OUT"
build_cli

# packs: each timed, its log kept for the table and for errors
pack() {   # pack NAME ARGS...
  local name=$1
  shift
  local t0 t1
  echo "packing $DIR -> $WORK/$name ($*) ..." >&2
  t0=$(now)
  # shellcheck disable=SC2086
  if ! "$STOKER" pack "$DIR" "$WORK/$name" "$@" ${PACK_ARGS:-} >"$WORK/$name.log" 2>&1; then
    tail -20 "$WORK/$name.log" >&2
    echo "pack-vs-folder.sh: stoker pack failed for $name (log above)" >&2
    exit 1
  fi
  t1=$(now)
  [[ -f "$WORK/$name/stoker-pack.json" ]] || { echo "pack-vs-folder.sh: $WORK/$name has no stoker-pack.json" >&2; exit 1; }
  printf '{"pack": "%s", "args": "%s", "seconds": %s, "bytes": %s}\n' "$name" "$*" \
    "$(awk "BEGIN {printf \"%.3f\", $t1 - $t0}")" "$(du -sb "$WORK/$name" | cut -f1)" | tee -a "$OUT"
}
pack jpeg$MAX_SIDE --max-side "$MAX_SIDE" --format jpeg
pack raw --format raw

peer() {
  /usr/bin/python3 "$PEER" "$DIR" --workers "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --mode "$MODE" | tail -1
}
ours() {   # ours LOCATION [PRESET] [EPOCHS] [MORE BENCH ARGS...]
  local line location=$1 preset=${2:-$PRESET} epochs=${3:-$EPOCHS}
  shift $(( $# < 3 ? $# : 3 ))
  line=$("$STOKER" bench "$location" --threads "$WORKERS" --batch "$BATCH" --epochs "$epochs" \
    --preset "$preset" --json "$@" 2>"$WORK/bench.err" | tail -1)
  if [[ "$line" != \{* ]]; then
    tail -20 "$WORK/bench.err" >&2
    echo "pack-vs-folder.sh: stoker bench $1 failed (stderr above)" >&2
    exit 1
  fi
  echo "$line"
}
run() {   # run CONFIG ROUND
  local line
  case "$1" in
    peer) line=$(peer) ;;
    folder) line=$(ours "$DIR") ;;
    jpeg*) line=$(ours "$WORK/jpeg$MAX_SIDE") ;;
    raw) line=$(ours "$WORK/raw") ;;
  esac
  printf '{"config": "%s", "round": %d, "run": %s}\n' "$1" "$2" "$line" | tee -a "$OUT" | cut -c1-200
}

CONFIGS=(peer folder "jpeg$MAX_SIDE" raw)
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < ${#CONFIGS[@]}; i++)); do
    run "${CONFIGS[(i + r) % ${#CONFIGS[@]}]}" "$r"
  done
done

# decode-only digests: the folder and the raw full-size pack deliver the same pixels. --full-scale on
# both: from the folder the loader would otherwise decode a JPEG at a DCT scale (1/2, 1/4, 1/8) when the
# output is at most half its size, pixels a full-size raw pack cannot hold by construction.
for config in folder raw; do
  location=$DIR
  [[ $config == raw ]] && location=$WORK/raw
  printf '{"config": "digest-%s", "round": 0, "run": %s}\n' "$config" "$(ours "$location" decode-only 1 --full-scale)" \
    | tee -a "$OUT" | cut -c1-200
done

echo "runs: $OUT (deleted with $WORK at exit; set OUT to keep them)"
/usr/bin/python3 - "$OUT" "$DIR" "$PRESET" "$WORKERS" "$BATCH" "$EPOCHS" <<'PY'
import json, statistics, sys
path, folder, preset, workers, batch, epochs = sys.argv[1:7]
lines = [json.loads(l) for l in open(path)]
packs = [l for l in lines if "pack" in l]
runs = [l for l in lines if "config" in l]
images = None
by = {}
for r in runs:
    by.setdefault(r["config"], []).append(r["run"])
folder_runs = by.get("folder", [])
if folder_runs:
    images = folder_runs[0]["images"] // max(1, folder_runs[0]["epochs"])
print()
print(f"{folder}: preset {preset}, {workers} threads/workers, batch {batch}, {epochs} epochs")
print(f"{'pack':<10} {'seconds':>9} {'images/s':>9} {'MiB':>9} {'bytes/image':>12}")
for p in packs:
    per = p["bytes"] / images if images else float("nan")
    rate = images / p["seconds"] if images and p["seconds"] > 0 else float("nan")
    print(f"{p['pack']:<10} {p['seconds']:>9.1f} {rate:>9.0f} {p['bytes'] / 2**20:>9.1f} {per:>12.0f}")
print()
peer = statistics.median(x["images_per_s"] for x in by["peer"]) if "peer" in by else None
print(f"{'source':<16} {'images/s':>9} {'min':>8} {'max':>8} {'vs peer':>8}  digest")
for config in ["peer"] + [c for c in by if c not in ("peer",) and not c.startswith("digest-")]:
    xs = [x["images_per_s"] for x in by[config]]
    med = statistics.median(xs)
    ratio = f"{med / peer:.2f}x" if peer else "n/a"
    digests = {x.get("digest") for x in by[config]} - {None}
    digest = "" if config == "peer" else (next(iter(digests)) if len(digests) == 1 else f"DIFFERENT: {sorted(digests)}")
    name = "peer (folder)" if config == "peer" else ("stoker " + config)
    print(f"{name:<16} {med:>9.1f} {min(xs):>8.1f} {max(xs):>8.1f} {ratio:>8}  {digest}")
df, dr = (by.get(f"digest-{c}", [{}])[0].get("digest") for c in ("folder", "raw"))
same = df is not None and df == dr
print()
print(f"decode-only digest: folder {df}, raw full-size pack {dr}: {'EQUAL' if same else 'DIFFERENT'}")
summary = {"dir": folder, "preset": preset, "peer_images_per_s": peer, "decode_only_digest_equal": same}
for config in by:
    if config != "peer" and not config.startswith("digest-"):
        med = statistics.median(x["images_per_s"] for x in by[config])
        summary[f"{config}_images_per_s"] = med
        summary[f"{config}_vs_peer"] = round(med / peer, 2) if peer else None
for p in packs:
    summary[f"pack_{p['pack']}_seconds"] = p["seconds"]
    summary[f"pack_{p['pack']}_bytes"] = p["bytes"]
print(json.dumps(summary))
sys.exit(0 if same else 1)
PY

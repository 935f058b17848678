#!/usr/bin/env bash
# The augmentation order, measured (issue 19): `stoker bench --literal-order` (the steps as written:
# every image decoded whole, each step at the resolution it receives) against plain `stoker bench`
# (Stoker's plan: geometry folded into one map, only the region it shows decoded at a DCT scale,
# colour on the output), on the same dataset, recipe, threads and seed, alternated
#   literal, stoker, literal, stoker, ...
# so that a shared machine's drift hits both. Each run also records its process's CPU time
# (user + sys, /usr/bin/time), divided by every image it processed (warm-up epoch included): the
# fairer figure on a machine other jobs share. Prints one line per run, then the ratios of the
# means (stoker / literal for images/s, literal / stoker for CPU ms per image) beside
# `stoker plan`'s estimate for the same recipe.
#
# Usage: scripts/literal-order-vs-stoker.sh DIR [extra stoker bench args...]
#   DIR  an ImageFolder tree, e.g. /work/photos-large/train (120 photographs of 6-12 MP)
# Environment:
#   SPEC     the recipe (default "ColorJitter(0.4, 0.4, 0.4), Rotate(-10, 10), RandomResizedCrop(224), HorizontalFlip")
#   ROUNDS   literal/stoker pairs (default 2); THREADS (2); BATCH (8); EPOCHS (1, timed, after one warm-up epoch)
#   IMAGE    the --image for the plan's estimate (default 3500x2700: 9.4 MP, the mean of /work/photos-large)
#   STOKER   the stoker command (default: ./stoker of this checkout)
# Example: ROUNDS=2 scripts/literal-order-vs-stoker.sh /work/photos-large/train
set -euo pipefail
case "${1:-}" in
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  '') sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; echo "literal-order-vs-stoker.sh: missing DIR" >&2; exit 2 ;;
esac
DIR=$1
shift
[[ -d "$DIR" ]] || { echo "literal-order-vs-stoker.sh: DIR '$DIR' is not a directory" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STOKER=${STOKER:-$HERE/stoker}
SPEC=${SPEC:-ColorJitter(0.4, 0.4, 0.4), Rotate(-10, 10), RandomResizedCrop(224), HorizontalFlip}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
BATCH=${BATCH:-8}
EPOCHS=${EPOCHS:-1}
IMAGE=${IMAGE:-3500x2700}
for knob in ROUNDS THREADS BATCH EPOCHS; do
  [[ "${!knob}" =~ ^[1-9][0-9]*$ ]] || { echo "literal-order-vs-stoker.sh: $knob must be a positive integer" >&2; exit 2; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$STOKER" --version >/dev/null   # builds first, outside the timed runs
echo "machine: $(nproc) CPUs; $("$STOKER" --version 2>&1 | tr "\n" " "); dataset $DIR; threads $THREADS; batch $BATCH;" \
  "$EPOCHS timed epoch(s) after a warm-up; recipe: $SPEC"
run() { # run KIND [--literal-order]: one JSON line, with the run's CPU seconds added
  local kind=$1
  shift
  /usr/bin/time -f '%U %S' -o "$TMP/cpu" "$STOKER" bench "$DIR" --threads "$THREADS" --batch "$BATCH" \
    --epochs "$EPOCHS" --transforms "$SPEC" --json "$@" "${EXTRA[@]}" 2>"$TMP/err" | tail -1 >"$TMP/json" \
    || { cat "$TMP/err" >&2; exit 1; }
  /usr/bin/python3 - "$kind" "$TMP/json" "$TMP/cpu" "$EPOCHS" <<'PY'
import json, sys
kind, path, cpu, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
d = json.load(open(path))
user, system = (float(x) for x in open(cpu).read().split()[-2:])
processed = d["images"] * (epochs + 1) / epochs     # the warm-up epoch too
d["cpu_s"] = round(user + system, 2)
d["cpu_ms_per_image"] = round(1000 * (user + system) / processed, 1)
d["kind"] = kind
print(json.dumps(d))
PY
}
show() { # one run's line, from its JSON
  /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print("%-8s %8.1f images/s %8.1f CPU ms/image  digest %s  literal_order %s" % (d["kind"], d["images_per_s"],
      d["cpu_ms_per_image"], d["digest"][:16], str(d["literal_order"]).lower()))'
}
EXTRA=("$@")
: >"$TMP/runs"
for ((i = 0; i < ROUNDS; i++)); do
  run literal --literal-order | tee -a "$TMP/runs" | show
  run stoker | tee -a "$TMP/runs" | show
done
"$STOKER" plan --transforms "$SPEC" --image "$IMAGE" --json 2>/dev/null | tail -1 >"$TMP/plan"
/usr/bin/python3 - "$TMP/runs" "$TMP/plan" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
plan = json.load(open(sys.argv[2]))
def mean(kind, key):
    v = [r[key] for r in runs if r["kind"] == kind]
    return sum(v) / len(v)
rate = mean("stoker", "images_per_s") / mean("literal", "images_per_s")
cpu = mean("literal", "cpu_ms_per_image") / mean("stoker", "cpu_ms_per_image")
print(json.dumps({"literal_images_per_s": round(mean("literal", "images_per_s"), 1),
                  "stoker_images_per_s": round(mean("stoker", "images_per_s"), 1),
                  "ratio_images_per_s": round(rate, 2),
                  "literal_cpu_ms_per_image": round(mean("literal", "cpu_ms_per_image"), 1),
                  "stoker_cpu_ms_per_image": round(mean("stoker", "cpu_ms_per_image"), 1),
                  "ratio_cpu": round(cpu, 2),
                  "plan_estimate_ratio": plan["ratio"], "plan_image": f'{plan["image_width"]}x{plan["image_height"]}'}))
PY

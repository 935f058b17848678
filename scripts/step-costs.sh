#!/usr/bin/env bash
# What each augmentation step costs, for Stoker and for the PyTorch peer, measured in one run on
# the same cores. For every step (one row): the baseline recipe (RandomResizedCrop(224) +
# HorizontalFlip) and the baseline with the step added, each run by `stoker bench --transforms
# SPEC` and by scripts/peer_recipe.py with the matching --recipe. A row runs
#   peer without, ours without, ours with, peer with
# so that each "without/with" pair of one loader and each "ours/peer" pair of one recipe are
# measured next to each other; with ROUNDS > 1 every other round runs the row in reverse order
# (so slow drift of the host cancels) and each cell is the mean of the rounds.
# Every JSON line goes to stderr as it comes; stdout gets a markdown table:
#   step | ours without | ours with | cost % | peer without | peer with | peer cost % | ours/peer
# cost % = share of images/s lost by adding the step, 100 * (1 - with / without);
# ours/peer = ours with / peer with (images/s, the same recipe).
#
# Usage: scripts/step-costs.sh DIR [extra stoker bench args...]
#   DIR  an ImageFolder tree, e.g. /work/corpus/classify/train
# Environment:
#   WORKERS (2), BATCH (256), EPOCHS (2, timed; each side warms up first), ROUNDS (1)
#   STEPS      row keys to run, space separated (default: all; see ROWS below)
#   BASE_SPEC  the baseline SPEC (default "RandomResizedCrop(224), HorizontalFlip")
#   MIXUP_ARGS, CUTMIX_ARGS, MIXUP_SPEC, CUTMIX_SPEC  how the bench adds MixUp / CutMix (see below)
#   STOKER     the stoker command (default: ./stoker of this checkout, which builds the CLI first)
#   PEER, PYTHON, PEER_ARGS  the peer script (scripts/peer_recipe.py), its interpreter
#              (/usr/bin/python3, which has Debian's python3-torch and python3-torchvision) and extra
#              arguments for it (e.g. "--limit 400")
# Example: WORKERS=2 EPOCHS=2 ROUNDS=2 scripts/step-costs.sh /work/corpus/classify/train
set -euo pipefail

usage() { # the comment block at the top of this file
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}
die() {
  echo "step-costs.sh: $*" >&2
  exit 2
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  '') usage >&2; die "missing DIR (an ImageFolder tree)" ;;
esac
DIR=$1
shift
[[ -d "$DIR" ]] || die "DIR '$DIR' is not a directory"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STOKER=${STOKER:-$HERE/stoker}
PEER=${PEER:-$HERE/scripts/peer_recipe.py}
PYTHON=${PYTHON:-/usr/bin/python3}
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-2}
ROUNDS=${ROUNDS:-1}
BASE_SPEC=${BASE_SPEC:-RandomResizedCrop(224), HorizontalFlip}
for knob in WORKERS BATCH EPOCHS ROUNDS; do
  [[ "${!knob}" =~ ^[1-9][0-9]*$ ]] || die "$knob must be a positive integer, got '${!knob}'"
done
[[ -f "$PEER" ]] || die "PEER '$PEER' not found"
command -v "$PYTHON" >/dev/null || die "PYTHON '$PYTHON' not found"
read -ra PEER_EXTRA <<<"${PEER_ARGS:-}"

# ============================================================================================
# MixUp / CutMix are batch steps: written at the end of the SPEC (after every per-sample step),
# alpha 0.2 for MixUp and 1.0 for CutMix, as the peer's recipes. MIXUP_ARGS / CUTMIX_ARGS add
# extra bench arguments to their rows (none by default).
MIXUP_ARGS=${MIXUP_ARGS:-}
CUTMIX_ARGS=${CUTMIX_ARGS:-}
MIXUP_SPEC=${MIXUP_SPEC:-MixUp(alpha=0.2)}
CUTMIX_SPEC=${CUTMIX_SPEC:-CutMix(alpha=1.0)}
# ============================================================================================
read -ra MIXUP <<<"$MIXUP_ARGS"
read -ra CUTMIX <<<"$CUTMIX_ARGS"
NONE=()

# One row per step: key | peer recipe | SPEC appended to BASE_SPEC (may be empty) | name of the
# array of extra bench arguments (NONE, MIXUP or CUTMIX).
ROWS=(
  "RandAugment|randaugment|RandAugment(n=2, m=9)|NONE"
  "TrivialAugmentWide|trivialaugment|TrivialAugmentWide|NONE"
  "RandomErasing|erasing|RandomErasing(p=0.5)|NONE"
  "GaussianBlur|blur|GaussianBlur(kernelSize=23, minSigma=0.1, maxSigma=2.0)|NONE"
  "Grayscale|grayscale|Grayscale(p=0.2)|NONE"
  "ColorJitter|colorjitter|ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)|NONE"
  "PhotometricDistort|photometric|PhotometricDistort|NONE"
  "MixUp|mixup|$MIXUP_SPEC|MIXUP"
  "CutMix|cutmix|$CUTMIX_SPEC|CUTMIX"
  "RandAugment+MixUp|randaugment-mixup|RandAugment(n=2, m=9)${MIXUP_SPEC:+, $MIXUP_SPEC}|MIXUP"
)
KEYS=()
for row in "${ROWS[@]}"; do KEYS+=("${row%%|*}"); done
read -ra WANTED <<<"${STEPS:-${KEYS[*]}}"
for key in "${WANTED[@]}"; do
  [[ " ${KEYS[*]} " == *" $key "* ]] || die "STEPS: unknown step '$key' (known: ${KEYS[*]})"
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RESULTS=$TMP/results.tsv
: >"$RESULTS"

# record KEY SIDE VARIANT ROUND LINE: one measurement (LINE a JSON object, or empty for a failure)
record() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >>"$RESULTS"
}
# last_json FILE: the last line of FILE that is a JSON object, or nothing
last_json() {
  grep -E '^[[:space:]]*\{' "$1" | tail -1 || true
}
# peer KEY VARIANT ROUND RECIPE
peer() {
  local line
  if "$PYTHON" "$PEER" "$DIR" --recipe "$4" --workers "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" \
      ${PEER_EXTRA[@]+"${PEER_EXTRA[@]}"} >"$TMP/out" 2>"$TMP/err"; then
    line=$(last_json "$TMP/out")
  else
    line=
  fi
  [[ -n "$line" ]] || { echo "peer $4 failed:" >&2; tail -5 "$TMP/err" >&2; }
  echo "peer  $1 $2: ${line:-failed}" >&2
  record "$1" peer "$2" "$3" "$line"
}
# ours KEY VARIANT ROUND SPEC [extra bench args...]
ours() {
  local key=$1 variant=$2 round=$3 spec=$4 line
  shift 4
  if "$STOKER" bench "$DIR" --threads "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --transforms "$spec" \
      --json "$@" ${BENCH_EXTRA[@]+"${BENCH_EXTRA[@]}"} >"$TMP/out" 2>"$TMP/err"; then
    line=$(last_json "$TMP/out")
  else
    line=
  fi
  [[ -n "$line" ]] || { echo "ours '$spec' $* failed:" >&2; tail -5 "$TMP/err" >&2; }
  echo "ours  $key $variant: ${line:-failed}" >&2
  record "$key" ours "$variant" "$round" "$line"
}

BENCH_EXTRA=("$@")
# builds the CLI first, outside the timed runs
"$STOKER" --version >/dev/null || die "'$STOKER --version' failed (STOKER: the stoker command; its build output is above)"
echo "step-costs: WORKERS=$WORKERS BATCH=$BATCH EPOCHS=$EPOCHS ROUNDS=$ROUNDS DIR=$DIR" >&2
for ((round = 1; round <= ROUNDS; round++)); do
  for row in "${ROWS[@]}"; do
    IFS='|' read -r key recipe step extra <<<"$row"
    [[ " ${WANTED[*]} " == *" $key "* ]] || continue
    with_spec=$BASE_SPEC
    [[ -z "$step" ]] || with_spec="$BASE_SPEC, $step"
    declare -n args=$extra
    if ((round % 2 == 1)); then
      peer "$key" without "$round" baseline
      ours "$key" without "$round" "$BASE_SPEC"
      ours "$key" with "$round" "$with_spec" ${args[@]+"${args[@]}"}
      peer "$key" with "$round" "$recipe"
    else
      peer "$key" with "$round" "$recipe"
      ours "$key" with "$round" "$with_spec" ${args[@]+"${args[@]}"}
      ours "$key" without "$round" "$BASE_SPEC"
      peer "$key" without "$round" baseline
    fi
    unset -n args
  done
done

"$PYTHON" - "$RESULTS" "${WANTED[@]}" <<'PY'
import json
import sys

path, keys = sys.argv[1], sys.argv[2:]
rates, info = {}, {}
with open(path) as f:
    for raw in f:
        key, side, variant, _, line = raw.rstrip("\n").split("\t", 4)
        cell = rates.setdefault((key, side, variant), [])
        try:
            o = json.loads(line)
            cell.append(float(o["images_per_s"]))
            for name in ("decoder", "torch", "torchvision"):
                if name in o:
                    info[(side, name)] = o[name]
        except (ValueError, KeyError, TypeError):
            cell.append(None)  # a failed run fails its cell: no mean over the rounds that worked


def mean(key, side, variant):
    cell = rates.get((key, side, variant), [])
    if not cell or None in cell:
        return None
    return sum(cell) / len(cell)


def num(x):
    return "failed" if x is None else "{:,.0f}".format(x)


def cost(without, with_):
    return "" if without is None or with_ is None else "{:.1f}".format(100.0 * (1.0 - with_ / without))


print("| step | ours without | ours with | cost % | peer without | peer with | peer cost % | ours/peer |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for key in keys:
    ow, oy = mean(key, "ours", "without"), mean(key, "ours", "with")
    pw, py = mean(key, "peer", "without"), mean(key, "peer", "with")
    ratio = "" if oy is None or py is None else "{:.2f}x".format(oy / py)
    print("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
        key, num(ow), num(oy), cost(ow, oy), num(pw), num(py), cost(pw, py), ratio))
notes = []
if ("ours", "decoder") in info:
    notes.append("ours: decoder " + str(info[("ours", "decoder")]))
if ("peer", "torch") in info:
    notes.append("peer: torch {}, torchvision {}".format(info[("peer", "torch")], info.get(("peer", "torchvision"), "?")))
if notes:
    print()
    print("; ".join(notes))
PY

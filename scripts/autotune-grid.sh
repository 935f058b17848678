#!/usr/bin/env bash
# The hand-tuned grid against --memory autotuning, on the same cores in one run: every setting of
# --threads x --in-flight x --ring-slots and the autotuned loader (--memory, nothing else set) in a
# fresh random order each round, ROUNDS rounds, so that load from other processes falls on all of
# them alike. Prints one line per run, then per setting the median images/s, the best hand setting,
# where autotune landed and its ratio to the best, and whether every run delivered the same bytes
# (the digests must all match: same seed, whatever the settings).
#
# Usage: scripts/autotune-grid.sh DIR [extra stoker bench args...]
#   e.g. scripts/autotune-grid.sh /work/corpus/classify/train
# Env: ROUNDS (2), THREADS_LIST ("1 2 3 4"), IN_FLIGHT_PER_THREAD ("2 4 8"), SLOTS_LIST ("2 4 8"),
#      MEMORY (2g), AUTO_PER_ROUND (2: autotuned runs per round), BATCH (256), EPOCHS (2),
#      OUT (a JSON-lines file of every run; default a temporary file).
set -euo pipefail
DIR=${1:?usage: scripts/autotune-grid.sh DIR [stoker bench args...]}
shift
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-2}
MEMORY=${MEMORY:-2g}
AUTO_PER_ROUND=${AUTO_PER_ROUND:-2}
OUT=${OUT:-$(mktemp --suffix=.jsonl)}
"$HERE/stoker" --version >/dev/null     # builds first, outside the timed runs
SETTINGS=()
for t in ${THREADS_LIST:-1 2 3 4}; do
  for m in ${IN_FLIGHT_PER_THREAD:-2 4 8}; do
    for s in ${SLOTS_LIST:-2 4 8}; do
      SETTINGS+=("--threads $t --in-flight $((m * t)) --ring-slots $s")
    done
  done
done
for ((i = 0; i < AUTO_PER_ROUND; i++)); do SETTINGS+=("--memory $MEMORY"); done
: > "$OUT"
for ((r = 0; r < ROUNDS; r++)); do
  mapfile -t ORDER < <(printf '%s\n' "${SETTINGS[@]}" | shuf)
  for setting in "${ORDER[@]}"; do
    # shellcheck disable=SC2086
    line=$("$HERE/stoker" bench "$DIR" $setting --batch "${BATCH:-256}" --epochs "${EPOCHS:-2}" --json \
      "${EXTRA[@]}" 2>/dev/null | tail -1)
    printf '{"setting":"%s","round":%d,"run":%s}\n' "$setting" "$r" "$line" | tee -a "$OUT" | cut -c1-160
  done
done
echo "runs: $OUT"
/usr/bin/python3 - "$OUT" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in runs:
    by.setdefault(r["setting"], []).append(r["run"])
med = {k: statistics.median(x["images_per_s"] for x in v) for k, v in by.items()}
# best of the rounds too: on a shared machine the fastest run of a setting is the least disturbed one
top = {k: max(x["images_per_s"] for x in v) for k, v in by.items()}
for k in sorted(med, key=med.get, reverse=True):
    v = by[k][-1]
    print(f"{med[k]:8.1f} images/s median, {top[k]:8.1f} best  {k:45s} threads {v['threads']} (active "
          f"{v['active_threads']}), in-flight {v['in_flight']}, slots {v['ring_slots']}, "
          f"{v['memory_bytes'] / 2**20:.0f} MiB")
auto = [k for k in med if k.startswith("--memory")][0]
hand = {k: m for k, m in med.items() if k != auto}
best = max(hand, key=hand.get)
landed = {(x["threads"], x["active_threads"], x["in_flight"], x["ring_slots"]) for x in by[auto]}
digests = {x["digest"] for v in by.values() for x in v}
print(json.dumps({"best_hand": best, "best_hand_images_per_s": hand[best], "autotune_images_per_s": med[auto],
                  "autotune_landed_on (threads, active, in_flight, slots)": sorted(landed),
                  "ratio_to_best": round(med[auto] / hand[best], 3),
                  "best_of_rounds_ratio": round(top[auto] / max(v for k, v in top.items() if k != auto), 3),
                  "same_digest_everywhere": len(digests) == 1}))
PY

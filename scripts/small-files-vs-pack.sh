#!/usr/bin/env bash
# Many small files vs one pack of them: makes N small JPEGs (2-4 KB; a few encoded images written
# under many names in CLASSES class directories), packs them with `stoker pack` (timed), then, ROUNDS
# rounds, for the folder and for the pack:
#   - `stoker list LOCATION`: its "seconds" (opening the dataset: listing the folder, or reading the
#     pack's descriptor and index) and the command's wall time (JVM start included);
#   - benchmarks' ReadAllBench: open the location and read every sample's bytes (no decoding) on
#     each thread count of THREADS_LIST: seconds to open, seconds to read, files/s.
# Each measurement runs cold (page cache dropped just before: `sync; echo 3 > /proc/sys/vm/drop_caches`,
# root only; when that is not possible the script says so and the cold rows are marked NOT COLD)
# and then warm (the same run again at once). Prints every run as a JSON line, then a table of the
# medians and the pack's speed-up over the folder. Deletes everything at exit.
#
# Usage: scripts/small-files-vs-pack.sh [N]     # N = 100000 by default
# Env: CLASSES (100), THREADS_LIST ("1 4"), ROUNDS (2), NO_DROP=1 (warm only: no cache drops),
#      PACK_ARGS (extra `stoker pack` arguments; default "--format jpeg"), TMPDIR (where the files go;
#      the page cache drop only makes sense on a disk, not on tmpfs), OUT (a JSON-lines file of every
#      run), SKIP_BUILD=1 (use the CLI and the benchmarks module as built), STOKER (another launcher).
# Needs /usr/bin/python3 with PIL (Debian's python3-pil) to encode the few JPEGs.
set -euo pipefail
case "${1:-}" in
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/pack-bench-common.sh"
N=${1:-100000}
CLASSES=${CLASSES:-100}
THREADS_LIST=${THREADS_LIST:-1 4}
ROUNDS=${ROUNDS:-2}
PACK_ARGS=${PACK_ARGS:---format jpeg}
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || { echo "small-files-vs-pack.sh: N must be a positive integer, got $N" >&2; exit 2; }
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import PIL' 2>/dev/null \
  || { echo "small-files-vs-pack.sh: needs /usr/bin/python3 with PIL (python3-pil)" >&2; exit 2; }
need awk df

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stoker-small-files.XXXXXX")
trap 'echo "deleting $WORK ..." >&2; rm -rf "$WORK"' EXIT
OUT=${OUT:-$WORK/runs.jsonl}
: >"$OUT"
if [[ "$(df --output=fstype "$WORK" | tail -1 | tr -d ' ')" == tmpfs ]]; then
  echo "NOTE: $WORK is on tmpfs: 'cold' runs cannot be cold there (set TMPDIR to a disk)" >&2
fi
build_cli
build_benchmarks

echo "making $N small JPEGs in $CLASSES classes under $WORK/tree ..." >&2
t0=$(now)
/usr/bin/python3 - "$WORK/tree" "$N" "$CLASSES" "$WORK/warm-tree" <<'PY'
import io, os, random, sys
from PIL import Image, ImageDraw
tree, n, classes, warm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(1)
encoded = []
for k in range(8):   # a few distinct small images, 2-4 KB each
    im = Image.new("RGB", (96, 72), tuple(rng.randrange(256) for _ in range(3)))
    d = ImageDraw.Draw(im)
    for _ in range(12):
        x, y = rng.randrange(96), rng.randrange(72)
        d.ellipse([x, y, x + rng.randrange(4, 30), y + rng.randrange(4, 30)], fill=tuple(rng.randrange(256) for _ in range(3)))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    encoded.append(buf.getvalue())
classes = max(1, min(classes, n))
names = [f"c{c:04d}" for c in range(classes)]
for name in names:
    os.makedirs(os.path.join(tree, name))
flags = os.O_CREAT | os.O_WRONLY | os.O_EXCL
for i in range(n):
    fd = os.open(os.path.join(tree, names[i % classes], f"{i:08d}.jpg"), flags, 0o644)
    os.write(fd, encoded[i % len(encoded)])
    os.close(fd)
for i in range(64):   # the warm-up dataset: the JVM's class loading and JIT happen on it, untimed
    os.makedirs(os.path.join(warm, f"w{i % 2}"), exist_ok=True)
    with open(os.path.join(warm, f"w{i % 2}", f"{i:03d}.jpg"), "wb") as f:
        f.write(encoded[i % len(encoded)])
print(f"{n} files, {min(map(len, encoded))}-{max(map(len, encoded))} bytes each", file=sys.stderr)
PY
echo "made in $(awk "BEGIN {printf \"%.1f\", $(now) - $t0}") s" >&2

echo "packing (stoker pack $WORK/tree $WORK/pack $PACK_ARGS) ..." >&2
t0=$(now)
# shellcheck disable=SC2086
if ! "$STOKER" pack "$WORK/tree" "$WORK/pack" $PACK_ARGS >"$WORK/pack.log" 2>&1; then
  tail -20 "$WORK/pack.log" >&2
  echo "small-files-vs-pack.sh: stoker pack failed (log above)" >&2
  exit 1
fi
# shellcheck disable=SC2086
"$STOKER" pack "$WORK/warm-tree" "$WORK/warm-pack" $PACK_ARGS >"$WORK/warm-pack.log" 2>&1 \
  || { tail -20 "$WORK/warm-pack.log" >&2; echo "small-files-vs-pack.sh: stoker pack failed (warm-up pack)" >&2; exit 1; }
printf '{"pack_seconds": %s, "pack_bytes": %s, "tree_bytes": %s}\n' "$(awk "BEGIN {printf \"%.3f\", $(now) - $t0}")" \
  "$(du -sb "$WORK/pack" | cut -f1)" "$(du -sb "$WORK/tree" | cut -f1)" | tee -a "$OUT"

record() {   # record KIND WHAT CACHE JSON
  printf '{"kind": "%s", "what": "%s", "cache": "%s", "run": %s}\n' "$1" "$2" "$3" "$4" | tee -a "$OUT" | cut -c1-220
}
list_run() {   # list_run KIND LOCATION CACHE
  local t0 line
  t0=$(now)
  line=$("$STOKER" list "$2" 2>"$WORK/list.err" | tail -1) || { cat "$WORK/list.err" >&2; exit 1; }
  line=$(/usr/bin/python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(json.dumps({"files": j["files"], "seconds": j["seconds"], "wall_s": round(float(sys.argv[2]), 3)}))' \
    "$line" "$(awk "BEGIN {print $(now) - $t0}")")
  record "$1" list "$3" "$line"
}
read_run() {   # read_run KIND LOCATION THREADS CACHE
  local line warm=$WORK/warm-tree
  [[ $1 == pack ]] && warm=$WORK/warm-pack
  line=$(bench_java dev.stoker.bench.ReadAllBench "$2" "$3" "$warm" 2>"$WORK/read.err" | tail -1) || { cat "$WORK/read.err" >&2; exit 1; }
  record "$1" "read-$3" "$4" "$line"
}
COLD=cold   # the cache label of a run just after a drop
if [[ "${NO_DROP:-0}" != 1 ]] && ! drop_caches; then COLD=NOT-cold; fi

for ((r = 0; r < ROUNDS; r++)); do
  for kind in folder pack; do
    location=$WORK/tree
    [[ $kind == pack ]] && location=$WORK/pack
    if [[ "${NO_DROP:-0}" != 1 ]]; then drop_caches || true; list_run "$kind" "$location" "$COLD"; fi
    list_run "$kind" "$location" warm
    for t in $THREADS_LIST; do
      if [[ "${NO_DROP:-0}" != 1 ]]; then drop_caches || true; read_run "$kind" "$location" "$t" "$COLD"; fi
      read_run "$kind" "$location" "$t" warm
    done
  done
done

echo "runs: $OUT (deleted with $WORK at exit; set OUT to keep them)"
/usr/bin/python3 - "$OUT" "$N" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
pack = next(l for l in lines if "pack_seconds" in l)
runs = [l for l in lines if "kind" in l]
print()
print(f"{n} small files: {pack['tree_bytes'] / 2**20:.1f} MiB on disk as files, one pack of "
      f"{pack['pack_bytes'] / 2**20:.1f} MiB made in {pack['pack_seconds']:.1f} s")
groups = {}
for r in runs:
    groups.setdefault((r["what"], r["cache"], r["kind"]), []).append(r["run"])
def med(xs, key):
    return statistics.median(x[key] for x in xs)
print(f"{'measurement':<14} {'cache':<9} {'folder':>10} {'pack':>10} {'pack speed-up':>14}")
summary = {"files": n, "pack_seconds": pack["pack_seconds"]}
order = sorted({(w, c) for (w, c, _) in groups}, key=lambda k: (k[0] != "list", k[0], k[1] == "warm"))
for what, cache in order:
    f, p = groups.get((what, cache, "folder")), groups.get((what, cache, "pack"))
    if not f or not p:
        continue
    if what == "list":
        rows = [("list open s", "seconds"), ("list wall s", "wall_s")]
    else:
        rows = [(f"{what} open s", "open_s"), (f"{what} read s", "read_s"), (f"{what} total s", "total_s")]
    for label, key in rows:
        a, b = med(f, key), med(p, key)
        print(f"{label:<14} {cache:<9} {a:>10.3f} {b:>10.3f} {a / b if b > 0 else float('inf'):>13.1f}x")
        summary[f"{label.replace(' ', '_')}_{cache}_folder"] = a
        summary[f"{label.replace(' ', '_')}_{cache}_pack"] = b
    if what != "list":
        a, b = med(f, "files_per_s"), med(p, "files_per_s")
        print(f"{what + ' files/s':<14} {cache:<9} {a:>10.0f} {b:>10.0f} {b / a if a > 0 else float('inf'):>13.1f}x")
failed = sum(r["run"].get("failed", 0) for r in runs)
if failed:
    print(f"WARNING: {failed} reads failed (see the JSON lines)")
print(json.dumps(summary))
PY

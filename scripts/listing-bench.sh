#!/usr/bin/env bash
# Times opening a dataset of N empty .jpg files (default 1,000,000) in 1000 class directories, as
# an ImageFolder tree and as a CSV manifest listing the same files, with `stoker list`; then
# deletes them. Each listing runs twice; the second run is the one to quote (the first also pays
# for the JVM's warm-up of the listing code). The files are created just before, so the kernel's
# directory cache is warm: this measures Stoker's listing, not the disk.
#
#   scripts/listing-bench.sh [N]        # STOKER=path/to/stoker to use another launcher
#   TMPDIR=/big/disk scripts/listing-bench.sh 1000000
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STOKER=${STOKER:-$ROOT/stoker}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stoker-listing.XXXXXX")
trap 'echo "deleting $WORK ..." >&2; rm -rf "$WORK"' EXIT

echo "making $N empty files in $WORK/tree ..." >&2
start=$(date +%s.%N)
python3 - "$WORK" "$N" <<'PY'
import os, sys
work, n = sys.argv[1], int(sys.argv[2])
classes = max(1, min(1000, n))
tree = os.path.join(work, "tree")
names = [f"c{c:04d}" for c in range(classes)]
for name in names:
    os.makedirs(os.path.join(tree, name))
flags = os.O_CREAT | os.O_WRONLY | os.O_EXCL
with open(os.path.join(work, "manifest.csv"), "w") as manifest:
    manifest.write("path,label\n")
    for i in range(n):
        name = names[i % classes]
        relative = f"{name}/{i:07d}.jpg"
        os.close(os.open(os.path.join(tree, relative), flags, 0o644))
        manifest.write(f"tree/{relative},{name}\n")
PY
echo "made in $(echo "$(date +%s.%N) - $start" | bc) s" >&2

for run in 1 2; do
  folder=$("$STOKER" list "$WORK/tree" | tail -n 1)
  manifest=$("$STOKER" list "$WORK/manifest.csv" | tail -n 1)
  echo "run $run: image folder $folder"
  echo "run $run: manifest     $manifest"
done

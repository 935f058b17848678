#!/usr/bin/env bash
# Remote vs local over loopback, on the same cores, in one run: local bench, a node on 127.0.0.1
# serving DIR with the same number of workers, bench --remote against it, local again. Prints each
# JSON line, the remote/local ratio and the bytes per image the client received.
#
# Usage: scripts/remote-bench.sh DIR [PRESET] [extra stoker bench args...]
set -euo pipefail
DIR=${1:?usage: scripts/remote-bench.sh DIR [PRESET] [stoker bench args...]}
PRESET=${2:-imagenet-train}
shift $(( $# >= 2 ? 2 : 1 ))
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-2}
PORT=${PORT:-47931}

"$HERE/stoker" --version >/dev/null   # builds first, outside the timed runs
local_run() { "$HERE/stoker" bench "$DIR" --threads "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --preset "$PRESET" --json "$@" 2>/dev/null | tail -1; }
remote_run() { "$HERE/stoker" bench --remote "127.0.0.1:$PORT" --threads "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --preset "$PRESET" --json "$@" 2>/dev/null | tail -1; }

L1=$(local_run "$@"); echo "local:  $L1"
"$HERE/stoker" serve --data "$DIR" --port "$PORT" --bind 127.0.0.1 --workers "$WORKERS" >/tmp/stoker-serve.log 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q serving /tmp/stoker-serve.log && break; sleep 0.2; done
R=$(remote_run "$@"); echo "remote: $R"
kill $NODE; wait $NODE 2>/dev/null || true
L2=$(local_run "$@"); echo "local:  $L2"
/usr/bin/python3 - "$L1" "$R" "$L2" <<'PY'
import json, sys
l1, r, l2 = (json.loads(s) for s in sys.argv[1:4])
local = (l1["images_per_s"] + l2["images_per_s"]) / 2
print(f"remote/local: {r['images_per_s'] / local:.2f}x ({r['images_per_s']:.0f} vs {local:.0f} images/s); "
      f"digest {'same' if r['digest'] == l1['digest'] == l2['digest'] else 'DIFFERENT'}; "
      f"wire bytes per image: {r.get('wire_bytes_per_image', 'n/a')}")
PY

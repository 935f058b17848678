#!/usr/bin/env bash
# One client against 1..N data-server nodes on loopback, one worker each (issue 21, item 6):
# images/s against the node count, bytes per image on the wire, and CPU per image of the client
# (by thread: the Netty event loop, batch assembly, the consumer, GC, JIT) and of the nodes.
#
# Part 1 (the client's own cost): the nodes serve a raw pack whose samples are already at the
# output size (`stoker pack DIR --format raw --max-side 224`, then CenterCrop(224)), so a node only
# reads and copies; what is left is the client. Node counts ascending then descending (ROUNDS=2),
# so drift on a shared machine shows. Part 2 (a node's real cost): one node, then two, with the
# ImageNet training recipe (RandomResizedCrop(224) + flip) on DIR's JPEGs.
#
# All nodes and the client share this machine's cores: read CPU-seconds per image, not images/s,
# as what travels to a cluster (docs/cluster-scale.md turns them into a model).
#
# Usage: scripts/cluster-scale.sh [DIR]        (default /work/corpus/classify/train)
# Env:   NODES (8), EPOCHS (timed epochs per run, 4), RECIPE_EPOCHS (2), ROUNDS (2), BATCH (256),
#        SIDE (224), WORK (a temporary directory), SKIP_BUILD=1, SKIP_RECIPE=1, SKIP_RAW=1,
#        PACK (an existing raw pack of DIR made as above: not packed again),
#        COUNTS (e.g. 1,2,4,8; default 1..NODES), NODE_HEAP (-Xmx for each node, 512m),
#        CLIENT_OPTS (JVM options of the client; default the launcher's GC and JIT settings)
set -euo pipefail
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then sed -n '2,20p' "$0"; exit 0; fi
# shellcheck source=scripts/pack-bench-common.sh
source "$(dirname "$0")/pack-bench-common.sh"
need python3
DIR=${1:-/work/corpus/classify/train}
[[ -d "$DIR" ]] || { echo "cluster-scale: no dataset at $DIR (build one with make_corpus.py)" >&2; exit 2; }
NODES=${NODES:-8}
EPOCHS=${EPOCHS:-4}
RECIPE_EPOCHS=${RECIPE_EPOCHS:-2}
ROUNDS=${ROUNDS:-2}
BATCH=${BATCH:-256}
SIDE=${SIDE:-224}
NODE_HEAP=${NODE_HEAP:-512m}
COUNTS=${COUNTS:-$(seq -s, 1 "$NODES")}
export BENCH_JAVA_OPTS=${CLIENT_OPTS:--XX:+UseParallelGC -XX:TieredStopAtLevel=1 --sun-misc-unsafe-memory-access=allow}
WORK=${WORK:-$(mktemp -d /tmp/cluster-scale.XXXXXX)}
mkdir -p "$WORK"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

SKIP_BUILD=0 build_cli   # always (a no-op when fresh): a stale launcher would otherwise build itself with install
build_benchmarks

# start_nodes DATA COUNT: COUNT nodes on free loopback ports, one worker each; sets NODE_LIST (HOST:PORT:PID,...)
start_nodes() {
  local data=$1 count=$2 i log addr
  NODE_LIST=
  for ((i = 1; i <= count; i++)); do
    log=$WORK/node-$i.log
    STOKER_JAVA_OPTS="-Xmx$NODE_HEAP" "$STOKER" serve --data "$data" --port 0 --bind 127.0.0.1 --workers 1 \
      >"$log" 2>&1 &
    PIDS+=($!)   # the launcher execs java: this is the node's JVM
    addr=
    for _ in $(seq 1 300); do
      addr=$(sed -n 's/^serving .* on \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$log" | head -1)
      [[ -n "$addr" ]] && break
      kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$log" >&2; exit 1; }
      sleep 0.2
    done
    [[ -n "$addr" ]] || { echo "cluster-scale: node $i did not start" >&2; cat "$log" >&2; exit 1; }
    NODE_LIST+="${NODE_LIST:+,}$addr:${PIDS[-1]}"
  done
}

stop_nodes() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

find_bench_java
echo "# $(date -u +%FT%TZ) $(nproc) cores; $(uptime | sed 's/.*load/load/'); client java: $("$BENCH_JAVA" -version 2>&1 | head -1)" >&2
RESULTS=$WORK/results.jsonl
: >"$RESULTS"

if [[ "${SKIP_RAW:-0}" != 1 ]]; then
  if [[ -z "${PACK:-}" ]]; then
    PACK=$WORK/raw-$SIDE
    echo "# packing $DIR as raw pixels, shorter side $SIDE (outside the timed runs) ..." >&2
    "$STOKER" pack "$DIR" "$PACK" --format raw --max-side "$SIDE" >/dev/null 2>"$WORK/pack.log" || { cat "$WORK/pack.log" >&2; exit 1; }
  fi
  start_nodes "$PACK" "$NODES"
  REVERSED=$(echo "$COUNTS" | tr , '\n' | tac | paste -sd,)
  for ((r = 0; r < ROUNDS; r++)); do
    order=$COUNTS
    (( r % 2 == 1 )) && order=$REVERSED
    echo "# raw pack, CenterCrop($SIDE), round $((r + 1)): node counts $order" >&2
    bench_java dev.stoker.bench.ClusterBench --nodes "$NODE_LIST" --counts "$order" --transforms "CenterCrop($SIDE)" \
      --batch "$BATCH" --epochs "$EPOCHS" --zstd-samples $(( r == 0 ? 256 : 0 )) 2>"$WORK/client.log" \
      | while IFS= read -r line; do echo "raw $line"; echo "raw $line" >>"$RESULTS"; done \
      || { cat "$WORK/client.log" >&2; exit 1; }
  done
  stop_nodes
fi

if [[ "${SKIP_RECIPE:-0}" != 1 ]]; then
  start_nodes "$DIR" 2
  echo "# JPEG folder, imagenet-train (RandomResizedCrop(224) + flip): 1 node, then 2" >&2
  bench_java dev.stoker.bench.ClusterBench --nodes "$NODE_LIST" --counts 1,2 --preset imagenet-train \
    --batch "$BATCH" --epochs "$RECIPE_EPOCHS" --zstd-samples 256 2>"$WORK/client.log" \
    | while IFS= read -r line; do echo "recipe $line"; echo "recipe $line" >>"$RESULTS"; done \
    || { cat "$WORK/client.log" >&2; exit 1; }
  stop_nodes
fi

python3 - "$RESULTS" <<'PY'
import json, sys, statistics as st
runs = {}
for line in open(sys.argv[1]):
    kind, _, js = line.partition(" ")
    o = json.loads(js)
    if "nodes" in o:
        runs.setdefault((kind, o["nodes"]), []).append(o)
    else:
        levels = "; ".join("level %d: ratio %s, %s us to compress, %s us to decompress" % (
            l, o["level%d" % l]["ratio"], o["level%d" % l]["compress_cpu_us"], o["level%d" % l]["decompress_cpu_us"])
            for l in (1, 3))
        print("%s: zstd on %d delivered samples of %d bytes: %s" % (kind, o["zstd_samples"], o["raw_bytes_per_sample"], levels))
def med(rs, k):
    v = [r[k] for r in rs if r.get(k) is not None]
    return st.median(v) if v else float("nan")
print("| run | nodes | images/s: median (runs) | client CPU us/image | node CPU us/image | client CPU / wall | nodes CPU / wall | wire bytes/image |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for (kind, n), rs in sorted(runs.items()):
    each = ", ".join("{:,.0f}".format(r["images_per_s"]) for r in rs)
    print("| %s | %d | %s (%s) | %.1f | %.1f | %.2f | %.2f | %s |" % (kind, n, "{:,.0f}".format(med(rs, "images_per_s")), each,
          med(rs, "client_cpu_us_per_image"), med(rs, "node_cpu_us_per_image"), med(rs, "client_cpu_share_of_wall"),
          med(rs, "node_cpu_share_of_wall"), "{:,.0f}".format(med(rs, "wire_bytes_per_image"))))
for (kind, n), rs in sorted(runs.items()):
    r = max(rs, key=lambda r: r["images_per_s"])
    fmt = lambda g: ", ".join("%s %s+%s" % (k, v[0], v[1]) for k, v in g.items())
    print("%s, %d node(s), best run, us/image user+sys: client: %s | nodes: %s" % (kind, n,
          fmt(r["client_threads_user_sys_us_per_image"]), fmt(r["node_threads_user_sys_us_per_image"])))
PY

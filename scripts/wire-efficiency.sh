#!/usr/bin/env bash
# Wire efficiency of data-server nodes on loopback: `stoker bench --remote` against a `stoker serve`
# node on 127.0.0.1, one configuration at a time (a fresh node each), printing one line per run:
# images/s, bytes per image on the wire, CPU seconds per image of the node and of the client, and
# the node's pixel bytes before/after compression.
#   - send limit (the node's --send-limit: a link simulated by a traffic shaper) x compression
#   - transports (nio, epoll, io_uring) without a limit, without compression
#   - zstd levels (-Dstoker.zstd.level on the node) without a limit
# The node and the client share this machine's cores: CPU per image is what each process used
# (utime+stime from /proc, the client's including its JVM start), divided by every image it
# delivered (the warm-up epoch included).
#
# Usage: scripts/wire-efficiency.sh [DIR] [sections...]   sections: limits transports levels (default all)
# Build first (outside the timed runs), e.g.
#   rm -rf loader-cli/target/lib && ./mvnw -B -q -o -DskipTests -Dstoker.standin.skip -Dmaven.javadoc.skip=true \
#       -Dmaven.source.skip=true -pl loader-cli -am package && touch loader-cli/target/.stoker-built
set -euo pipefail
DIR=${1:-/work/corpus/classify/train}
shift || true
SECTIONS=${*:-limits transports levels}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-128}
EPOCHS=${EPOCHS:-1}
PORT=${PORT:-47941}
PRESET=${PRESET:-imagenet-train}
OUT=${OUT:-/tmp/wire-efficiency}
mkdir -p "$OUT"
CLK=$(getconf CLK_TCK)

cpu_of() { # utime+stime of pid $1 in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# run NAME "node args" "client args" [node JAVA_OPTS]
run() {
  local name=$1 node_args=$2 client_args=$3 node_opts=${4:-}
  STOKER_JAVA_OPTS="$node_opts" "$HERE/stoker" serve --data "$DIR" --port "$PORT" --bind 127.0.0.1 \
      --workers "$WORKERS" $node_args >"$OUT/$name.serve.out" 2>"$OUT/$name.serve.err" &
  local node=$!
  for _ in $(seq 1 150); do grep -q serving "$OUT/$name.serve.out" 2>/dev/null && break; sleep 0.2; done
  local before
  before=$(cpu_of "$node")
  # the client's own CPU: python's rusage of its child
  /usr/bin/python3 - "$OUT/$name.bench.json" "$OUT/$name.bench.cpu" "$HERE/stoker" bench --remote "127.0.0.1:$PORT" \
      --threads "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --preset "$PRESET" --json $client_args <<'PY'
import resource, subprocess, sys
out, cpu, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "w") as f:
    subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=False)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(cpu, "w").write(f"{r.ru_utime + r.ru_stime}\n")
PY
  local after
  after=$(cpu_of "$node")
  kill "$node"; wait "$node" 2>/dev/null || true
  /usr/bin/python3 - "$name" "$OUT/$name.bench.json" "$OUT/$name.bench.cpu" "$before" "$after" "$CLK" \
      "$OUT/$name.serve.err" "$EPOCHS" <<'PY'
import json, sys
name, js, cpuf, before, after, clk, err, epochs = sys.argv[1:]
lines = [l for l in open(js) if l.startswith("{")]
if not lines:
    print(f"{name:28s} FAILED (see {js})"); sys.exit()
r = json.loads(lines[-1])
# the warm-up epoch delivers as many images as a timed one, and all of them crossed the wire
total = r["images"] * (int(epochs) + 1) / int(epochs)
client = float(open(cpuf).read())
node = (int(after) - int(before)) / int(clk)
transport = next((l.split("transport ")[1].split(",")[0] for l in open(err) if "stoker serve: transport" in l), "?")
per = lambda s: f"{1e3 * s / total:.2f}" if total else "n/a"
print(f"{name:28s} {r['images_per_s']:8.0f} img/s  {r.get('wire_bytes_per_image', -1):8d} B/img  "
      f"node {per(node)} ms/img  client {per(client)} ms/img  transport {transport}  digest {r['digest'][:12]}")
PY
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -r); DIR=$DIR WORKERS=$WORKERS BATCH=$BATCH EPOCHS=$EPOCHS PRESET=$PRESET"
echo "# load before: $(cat /proc/loadavg)"
for section in $SECTIONS; do
  case $section in
    limits)
      for limit in 1Gbit 10Gbit; do
        run "limit-$limit-none" "--send-limit $limit --compression none" "--compression none"
        run "limit-$limit-zstd" "--send-limit $limit --compression zstd" "--compression zstd"
      done ;;
    transports)
      for t in nio epoll io_uring; do
        run "transport-$t" "--transport $t --compression none" "--transport $t --compression none"
      done ;;
    levels)
      for level in -5 -1 1 2 3; do
        run "zstd-level-$level" "--compression zstd" "--compression zstd" "-Dstoker.zstd.level=$level"
      done ;;
  esac
done
echo "# load after: $(cat /proc/loadavg)"

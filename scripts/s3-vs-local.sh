#!/usr/bin/env bash
# A pack read from an S3-compatible server on loopback vs the same pack on local disk, on the same
# cores in one run. Starts benchmarks' S3LoopbackServer (s3proxy on 127.0.0.1) with PACKDIR uploaded
# to s3://stoker-bench/pack, then ROUNDS rounds of `stoker bench PACKDIR` and `stoker bench
# s3://stoker-bench/pack --s3-endpoint http://127.0.0.1:PORT` (the order alternating from round to
# round; same preset, threads, batch, epochs and seed). Prints every run as a JSON line, then the
# median images/s of each, the ratio S3/local (issue 20's target: >= 0.90) and whether both
# delivered the same bytes (the digests must be equal). Stops the server and deletes its copy at exit.
#
# Usage: scripts/s3-vs-local.sh PACKDIR [PRESET] [extra stoker bench args for both, e.g. --shard-shuffle]
#   PACKDIR  a pack written by `stoker pack` (a directory holding stoker-pack.json)
#   PRESET   imagenet-train (default) or any other `stoker bench --preset`
# Env: ROUNDS (3), WORKERS (2: --threads), BATCH (256), EPOCHS (2), BACKEND (the server's blob store:
#      filesystem-nio2 (default), filesystem, transient-nio2 or transient (in memory)), PORT (0: any
#      free port), SERVER_HEAP (the server's -Xmx; default 1g, more for an in-memory backend),
#      S3_ARGS (extra bench args for the S3 runs only), ENDPOINT_FLAG (1: pass --s3-endpoint; 0: give
#      the endpoint as AWS_ENDPOINT_URL_S3 in the environment instead), OUT (a JSON-lines file of every run),
#      SKIP_BUILD=1 (use the CLI and the benchmarks module as built), STOKER (another launcher).
#      AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (default a made-up pair) are given to the server and,
#      through the environment, to the client's default credential chain; AWS_REGION defaults to us-east-1.
set -euo pipefail
case "${1:-}" in
  -h | --help | '') sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; [[ -n "${1:-}" ]]; exit $? ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/pack-bench-common.sh"
PACKDIR=$(cd "$1" && pwd) || { echo "s3-vs-local.sh: no directory $1" >&2; exit 2; }
PRESET=${2:-imagenet-train}
shift $(($# >= 2 ? 2 : 1))
EXTRA=("$@")
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-2}
BACKEND=${BACKEND:-filesystem-nio2}
PORT=${PORT:-0}
BUCKET=stoker-bench
PREFIX=pack
[[ -f "$PACKDIR/stoker-pack.json" ]] || echo "NOTE: $PACKDIR has no stoker-pack.json: not a pack of ours (read as WebDataset shards?)" >&2
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-stoker-bench-key}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-stoker-bench-secret}
export AWS_REGION=${AWS_REGION:-us-east-1}
need awk

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stoker-s3-vs-local.XXXXXX")
SERVER=
cleanup() {
  if [[ -n "$SERVER" ]] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
OUT=${OUT:-$WORK/runs.jsonl}
: >"$OUT"
build_cli
build_benchmarks

echo "starting the S3 server on loopback ($BACKEND), uploading $PACKDIR ..." >&2
(BENCH_EXEC=1 BENCH_JAVA_OPTS="-Xmx${SERVER_HEAP:-1g} ${BENCH_JAVA_OPTS:-}" bench_java dev.stoker.bench.S3LoopbackServer \
  --dir "$PACKDIR" --bucket "$BUCKET" --prefix "$PREFIX" --port "$PORT" --backend "$BACKEND" --basedir "$WORK/s3") \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
for ((i = 0; i < ${SERVER_WAIT:-1200}; i++)); do   # tenths of a second: uploading a large pack takes a while
  grep -q 'S3LoopbackServer: serving' "$WORK/server.log" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "s3-vs-local.sh: the server exited" >&2; exit 1; }
  sleep 0.1
done
grep -q 'S3LoopbackServer: serving' "$WORK/server.log" \
  || { tail -20 "$WORK/server.log" >&2; echo "s3-vs-local.sh: the server did not come up (log above)" >&2; exit 1; }
ENDPOINT=$(sed -n 's/^S3LoopbackServer: endpoint //p' "$WORK/server.log" | head -1)
grep '^S3LoopbackServer' "$WORK/server.log" >&2
LOCATION=s3://$BUCKET/$PREFIX
S3_FLAGS=()
if [[ "${ENDPOINT_FLAG:-1}" == 1 ]]; then S3_FLAGS=(--s3-endpoint "$ENDPOINT"); else export AWS_ENDPOINT_URL_S3=$ENDPOINT; fi

bench() {   # bench NAME LOCATION ARGS...
  local name=$1 location=$2 line
  shift 2
  line=$("$STOKER" bench "$location" --threads "$WORKERS" --batch "$BATCH" --epochs "$EPOCHS" --preset "$PRESET" \
    --json "${EXTRA[@]}" "$@" 2>"$WORK/bench.err" | tail -1) || true
  if [[ "$line" != \{* ]]; then
    tail -20 "$WORK/bench.err" >&2
    echo "s3-vs-local.sh: stoker bench $location failed (stderr above)" >&2
    exit 1
  fi
  printf '{"config": "%s", "run": %s}\n' "$name" "$line" | tee -a "$OUT" | cut -c1-200
}
for ((r = 0; r < ROUNDS; r++)); do
  if ((r % 2 == 0)); then
    bench local "$PACKDIR"
    # shellcheck disable=SC2086
    bench s3 "$LOCATION" "${S3_FLAGS[@]}" ${S3_ARGS:-}
  else
    # shellcheck disable=SC2086
    bench s3 "$LOCATION" "${S3_FLAGS[@]}" ${S3_ARGS:-}
    bench local "$PACKDIR"
  fi
done

echo "runs: $OUT (deleted with $WORK at exit; set OUT to keep them)"
/usr/bin/python3 - "$OUT" "$PACKDIR" "$ENDPOINT" "$BACKEND" <<'PY'
import json, statistics, sys
path, packdir, endpoint, backend = sys.argv[1:5]
by = {}
for l in open(path):
    j = json.loads(l)
    by.setdefault(j["config"], []).append(j["run"])
local = statistics.median(x["images_per_s"] for x in by["local"])
s3 = statistics.median(x["images_per_s"] for x in by["s3"])
digests = {x["digest"] for v in by.values() for x in v}
failed = sum(x["failed"] for v in by.values() for x in v)
print()
print(f"{packdir}: local disk vs s3proxy on {endpoint} ({backend} backend)")
print(f"{'source':<8} {'images/s':>9} {'min':>8} {'max':>8}")
for name, med in (("local", local), ("s3", s3)):
    xs = [x["images_per_s"] for x in by[name]]
    print(f"{name:<8} {med:>9.1f} {min(xs):>8.1f} {max(xs):>8.1f}")
ratio = s3 / local
print(f"s3/local: {ratio:.2f} (target >= 0.90: {'MET' if ratio >= 0.9 else 'NOT MET'}); digests "
      f"{'the same' if len(digests) == 1 else 'DIFFERENT: ' + str(sorted(digests))}; failed samples {failed}")
print(json.dumps({"pack": packdir, "local_images_per_s": round(local, 1), "s3_images_per_s": round(s3, 1), "ratio": round(ratio, 3),
                  "same_digest": len(digests) == 1, "failed": failed, "backend": backend}))
sys.exit(0 if len(digests) == 1 and failed == 0 else 1)
PY

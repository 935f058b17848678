#!/usr/bin/env bash
# The GPU check: builds a self-contained bundle on a build machine, then runs, on a machine with an
# NVIDIA GPU and driver (no JDK, no Maven, no network needed there), under one overall timeout:
#   preflight   GpuChecks --preflight-only: every kernel module loads, every function is found and
#               launched once, before anything else
#   gpu-checks  GpuChecks --json: all the checks (ring round trip, kernels vs CPU reference, overlap,
#               H2D bandwidth, consumer wait), N passed / N failed
#   demo        stoker demo --json: the loader into DeviceFeed into the reference trainer; passes when
#               the backend is cuda, the native decoder loaded and the trainer learned
#   bench       from the gpu-checks JSON: H2D GB/s through DeviceFeed against a plain pinned
#               cuMemcpyHtoD, and the consumer's wait % with a synthetic step
#   device      a GPU was used: CUDA was usable, and the device is a GPU (not the stand-in)
# It prints ONE JSON summary line (device, driver, each stage's status, exit code and seconds, the
# numbers) and "N passed, M failed", and exits 1 if anything failed or timed out. No GPU is a failure.
#
# Usage, from the project root:
#   scripts/gpu-check.sh --build-only           builds .gpu/bundle/ and .gpu/bundle.tgz (a jlink'ed
#                                               JDK 25 runtime, the jars, JCuda's driver binding, the
#                                               image decoder's libjpeg-turbo/libpng/zlib, a tmp dir)
#   scripts/gpu-check.sh --run-bundle .gpu/bundle.tgz [--timeout S] [--results DIR]
#                                               on the GPU machine: runs the sequence from the bundle
#                                               alone (an archive is unpacked next to it, or wherever
#                                               files may be executed); .gpu/bundle/run.sh does the same
#   scripts/gpu-check.sh                        both, on a machine that has a JDK 25 and a GPU
#   scripts/gpu-check.sh --emulated             both, here, against the CUDA driver stand-in (the test
#                                               fixture cuda-standin): no figure is a GPU figure, and a
#                                               problem the stand-in reports fails its stage
# Options: --timeout S (overall, default 540), --results DIR (default BUNDLE/results/TIMESTAMP),
#   --no-maven (bundle the jars already under */target), --standin DIR (run against the stand-in
#   libcuda.so.1 in DIR; what --emulated does). Maven arguments (e.g. -o) go in MAVEN_ARGS.
set -uo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
ACTION=all
BUNDLE=
TIMEOUT=540
RESULTS=
MAVEN=1
STANDIN=
die() { echo "gpu-check: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) ACTION=build ;;
    --run-bundle) ACTION=run; BUNDLE=${2:?--run-bundle needs a directory}; shift ;;
    --emulated) ACTION=emulated ;;
    --timeout) TIMEOUT=${2:?--timeout needs seconds}; shift ;;
    --results) RESULTS=${2:?--results needs a directory}; shift ;;
    --standin) STANDIN=${2:?--standin needs the directory holding the stand-in libcuda.so.1}; shift ;;
    --no-maven) MAVEN=0 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] && [ "$TIMEOUT" -ge 5 ] || die "--timeout: whole seconds, at least 5 (was '$TIMEOUT')"
# what a run keeps back from its stages for a stage's kill (10 s after its TERM) and the summary
RESERVE=$([ "$TIMEOUT" -ge 60 ] && echo 15 || echo 1)

# ------------------------------------------------------------------------------------------------
# Building the bundle (needs a JDK 25 with jlink, the project's sources and Maven's local repository)
# ------------------------------------------------------------------------------------------------

find_jdk() { # prints a JDK home >= 25 that has jlink and jdeps
  local java
  for java in ${STOKER_JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} /usr/lib/jvm/*/bin/java $(command -v java 2>/dev/null); do
    [ -x "$java" ] || continue
    local home major
    home=$(dirname "$(dirname "$(readlink -f "$java")")")
    major=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1)
    if [ "${major:-0}" -ge 25 ] 2>/dev/null && [ -x "$home/bin/jlink" ] && [ -x "$home/bin/jdeps" ]; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

# Copies the shared libraries that $1 needs, and theirs, into $2, except the C library's own
# (the host has those); follows symlinks, so each lands under its soname.
copy_needed_libs() {
  local lib=$1 dest=$2 name path
  for name in $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    case "$name" in
      libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|ld-linux*|libgcc_s.so.*|libstdc++.so.*) continue ;;
      libcuda.so.*) continue ;; # the GPU driver's
    esac
    [ -e "$dest/$name" ] && continue
    path=$(ldd "$lib" | awk -v n="$name" '$1 == n {print $3; exit}')
    [ -n "$path" ] && [ -e "$path" ] || die "$(basename "$lib") needs $name, which this machine does not have (install it, then rebuild)"
    cp -L "$path" "$dest/$name"
    chmod 644 "$dest/$name"
    copy_needed_libs "$dest/$name" "$dest"
  done
}

build_bundle() { # $1: the bundle directory to (re)create
  local out=$1 root jdk stage
  root=$(cd "$(dirname "$SELF")/.." && pwd)
  jdk=$(find_jdk) || die "needs a JDK 25 or newer with jlink (set JAVA_HOME or STOKER_JAVA)"
  cd "$root" || die "cannot enter $root"
  if [ "$MAVEN" = 1 ]; then
    local modules=loader-cli,gpu-checks
    [ "$ACTION" = emulated ] && [ -d cuda-standin ] && modules=$modules,cuda-standin
    echo "gpu-check: building the jars ($modules; about a minute)" >&2
    JAVA_HOME=$jdk ./mvnw -B -q -Dmaven.test.skip=true -pl "$modules" -am package >&2 || die "the Maven build failed (output above)"
  fi
  local cli=loader-cli/target/stoker-cli.jar checks
  checks=$(ls gpu-checks/target/gpu-checks-*.jar 2>/dev/null | grep -v -e -sources -e -tests -e -javadoc | head -1)
  [ -f "$cli" ] && [ -d loader-cli/target/lib ] && [ -n "$checks" ] || die "no jars under loader-cli/target and gpu-checks/target (run without --no-maven)"

  stage=$out.partial
  rm -rf "$stage"
  mkdir -p "$stage/app/lib" "$stage/native" "$stage/tmp" || die "cannot write $stage"
  # the CLI's module path (what ./stoker runs) without JCuda's natives jar: its one library we use
  # goes to native/, where JCuda finds it first (System.loadLibrary), so nothing is extracted at run time
  cp "$cli" "$stage/app/stoker-cli.jar"
  cp "$checks" "$stage/app/gpu-checks.jar"
  local jar natives=
  for jar in loader-cli/target/lib/*.jar; do
    case "$(basename "$jar")" in
      jcuda-natives-*) natives=$jar ;;
      *) cp "$jar" "$stage/app/lib/" ;;
    esac
  done
  [ -n "$natives" ] || die "loader-cli/target/lib has no jcuda-natives jar"
  # only the driver API binding: the runtime, NVRTC and PTX-compiler bindings (25 MB) are not used
  unzip -q -j -o "$natives" 'lib/libJCudaDriver-*' -d "$stage/native" || die "no libJCudaDriver in $natives"

  # the image decoder (libstokerimage.so, inside loader-reactor's jar) needs libjpeg-turbo and libpng
  local reactor decoder
  reactor=$(ls "$stage"/app/lib/loader-reactor-*.jar | head -1)
  decoder=$(mktemp -d)
  unzip -q -j -o "$reactor" 'dev/stoker/image/native/linux-x86_64/libstokerimage.so' -d "$decoder" \
    || die "loader-reactor's jar has no dev/stoker/image/native/linux-x86_64/libstokerimage.so (built with -Dstoker.native.skip)"
  copy_needed_libs "$decoder/libstokerimage.so" "$stage/native"
  copy_needed_libs "$(ls "$stage"/native/libJCudaDriver-*.so)" "$stage/native"

  # the JDK modules: those the classes use (jdeps over every class, module descriptors left out)
  # and those the module descriptors require (the resolver's answer for the CLI's module graph)
  echo "gpu-check: linking a Java runtime" >&2
  local flat mods required
  flat=$(mktemp -d)
  for jar in "$stage"/app/*.jar "$stage"/app/lib/*.jar; do
    unzip -q -o "$jar" '*.class' -x 'module-info.class' 'META-INF/*' -d "$flat" 2>/dev/null
  done
  mods=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps "$flat" 2>/dev/null) \
    || die "jdeps failed on the bundle's classes"
  required=$("$jdk/bin/java" --module-path "$stage/app/stoker-cli.jar:$stage/app/lib" --show-module-resolution --dry-run \
      -m dev.stoker.cli/dev.stoker.cli.StokerCli 2>&1 | awk '$3 == "requires" && $5 ~ /^jrt:/ {print $4}' | sort -u | paste -sd, -) \
    || die "the CLI's modules do not resolve"
  rm -rf "$flat"
  mods=$(echo "$mods,$required,java.logging,jdk.unsupported" | tr ',' '\n' | grep -v '^$' | sort -u | paste -sd, -)
  # X11, splash screen and sound libraries are not loaded headless (-Djava.awt.headless=true below)
  "$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=zip-9 \
    --exclude-files='**/libawt_xawt.so,**/libsplashscreen.so,**/libjsound.so' --output "$stage/jre" >&2 \
    || die "jlink failed"
  # libjvm.so's symbol table (a fifth of it) only names frames in a crash log; dynamic symbols stay
  command -v strip >/dev/null && strip --strip-unneeded "$stage/jre/lib/server/libjvm.so"

  cp "$SELF" "$stage/gpu-check.sh"
  chmod +x "$stage/gpu-check.sh"
  cat > "$stage/run.sh" <<'EOF'
#!/usr/bin/env bash
# Runs the GPU check from this bundle alone: ./run.sh [--timeout S] [--results DIR]
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/gpu-check.sh" --run-bundle "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)" "$@"
EOF
  chmod +x "$stage/run.sh"
  local glibc
  glibc=$(for f in "$stage"/native/*.so* "$decoder/libstokerimage.so" "$stage"/jre/lib/server/libjvm.so; do
      readelf -V "$f" 2>/dev/null; done | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
  rm -rf "$decoder"
  {
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
    echo "runtime: $("$stage/jre/bin/java" -version 2>&1 | head -1)"
    echo "modules: $mods"
    echo "native: $(cd "$stage/native" && ls | paste -sd' ' -)"
    echo "needs: x86_64 Linux with glibc >= ${glibc#GLIBC_} and an NVIDIA driver for CUDA 13 or newer (what the kernels need)"
  } > "$stage/MANIFEST.txt"
  rm -rf "$out" "$out.tgz"
  mv "$stage" "$out"
  local bytes packed
  bytes=$(du -sb "$out" | cut -f1)
  awk -v b="$bytes" 'BEGIN {printf "size: %.1f MiB on disk\n", b / 1048576}' >> "$out/MANIFEST.txt"
  # the archive is what travels to a GPU machine: the jars and the runtime image are compressed
  # already, so gzip does about as well as xz, in a fraction of the time
  tar czf "$out.tgz.partial" -C "$(dirname "$out")" "$(basename "$out")" && mv "$out.tgz.partial" "$out.tgz" \
    || die "cannot write $out.tgz"
  packed=$(stat -c %s "$out.tgz")
  awk -v b="$bytes" -v p="$packed" -v o="$out" \
    'BEGIN {printf "gpu-check: bundle in %s (%.1f MiB) and %s.tgz (%.1f MiB)\n", o, b / 1048576, o, p / 1048576}' >&2
  [ "$packed" -lt $((64 * 1048576)) ] || die "the bundle is 64 MiB or more compressed"
}

# ------------------------------------------------------------------------------------------------
# Running the sequence from a bundle (needs only the bundle, bash, coreutils and the GPU driver)
# ------------------------------------------------------------------------------------------------

# The clock in milliseconds, into NOW_MS (bash's EPOCHREALTIME where there is one: no process).
clock() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local us=${EPOCHREALTIME//[!0-9]/}
    NOW_MS=$((10#$us / 1000))
  else
    NOW_MS=$(($(date +%s%N) / 1000000))
  fi
}
# Milliseconds as seconds with one decimal, into SECS.
secs() { printf -v SECS '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
# The string as a JSON string.
json_str() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/}
  printf '"%s"' "$s"
}
# Reads the "key": value pairs (number, string, true, false, null) of the JSON file $1 into the
# associative array named $2 (the first of each key); a missing file leaves it empty. Read a value
# as ${ARRAY[key]:-null}.
json_load() {
  local -n into=$2
  local pair re='^"([A-Za-z0-9_]+)"[[:space:]]*:[[:space:]]*(.*)$'
  into=()
  [ -s "$1" ] || return 0
  while IFS= read -r pair; do
    [[ "$pair" =~ $re ]] && [ -z "${into[${BASH_REMATCH[1]}]+x}" ] && into[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  done < <(grep -oE '"[A-Za-z0-9_]+"[[:space:]]*:[[:space:]]*("([^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null)' "$1")
}
# A JSON string value as text; null as nothing.
unquote() { [ "$1" = null ] && return; local v=${1#\"}; echo "${v%\"}"; }
is_number() { [[ "$1" =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; }

NAMES=() STATUSES=() CODES=() SECONDS_=() REASONS=()
record() { # name status exit seconds reason
  local status=$2 reason=$5 found
  # the stand-in prints what a real driver would not catch (use after free, a free under a queued
  # copy, a leak at context release, a launch with the wrong parameters...): each fails the stage
  if [ "$MODE" = emulated ] && [ "$status" = passed ] && [ -s "$RES/$1.log" ]; then
    found=$(grep -c -E '^\[cuda-standin\] (PROBLEM|LEAK|at exit)' "$RES/$1.log")
    [ "$found" -gt 0 ] && status=failed reason="the stand-in reported $found problem(s) ([cuda-standin] lines in $1.log)"
  fi
  NAMES+=("$1"); STATUSES+=("$status"); CODES+=("$3"); SECONDS_+=("$4"); REASONS+=("$reason")
  echo "gpu-check: $1: $status (exit $3, $4 s)${reason:+: $reason}" >&2
  if [ "$status" != passed ] && [ -s "$RES/$1.log" ]; then
    echo "gpu-check: --- last lines of $RES/$1.log ---" >&2
    tail -n 25 "$RES/$1.log" >&2
    echo "gpu-check: ---" >&2
  fi
}
# Runs a stage's command under what is left of the overall timeout (at most $2 seconds); sets
# LAST_STATUS, LAST_RC and LAST_SECONDS, and writes the output to RESULTS/NAME.log.
run_stage() {
  local name=$1 cap=$2 left start
  shift 2
  clock
  left=$(((DEADLINE_MS - NOW_MS) / 1000 - RESERVE))
  if [ "$left" -lt 3 ]; then
    LAST_STATUS=timed_out LAST_RC=-1 LAST_SECONDS=0.0 LAST_REASON="not run: the overall timeout left no time for it"
    return
  fi
  LAST_REASON=
  [ "$cap" -gt "$left" ] && cap=$left
  start=$NOW_MS
  echo "gpu-check: $name (at most $cap s)..." >&2
  timeout -k 10 "$cap" "$@" > "$RES/$name.log" 2>&1 < /dev/null
  LAST_RC=$?
  clock
  secs $((NOW_MS - start))
  LAST_SECONDS=$SECS
  case $LAST_RC in
    0) LAST_STATUS=passed ;;
    124|137) LAST_STATUS=timed_out ;;
    *) LAST_STATUS=failed ;;
  esac
}

# A directory under which a just-written file can be executed (JCuda and the decoder load
# libraries from java.io.tmpdir; /tmp is mounted noexec on some machines).
exec_dir() {
  local dir probe
  for dir in "$@"; do
    mkdir -p "$dir" 2>/dev/null || continue
    probe=$dir/.exec-probe.$$
    printf '#!/bin/sh\nexit 0\n' > "$probe" 2>/dev/null && chmod +x "$probe" && "$probe" 2>/dev/null \
      && { rm -f "$probe"; echo "$dir"; return 0; }
    rm -f "$probe" 2>/dev/null
  done
  return 1
}

# Unpacks the archive $1 where files may be executed; prints the bundle directory.
unpack() {
  local archive=$1 dir
  dir=$(exec_dir "$(dirname "$archive")/bundle.unpacked" "${TMPDIR:-/tmp}/stoker-gpu-check.$$" \
      "/dev/shm/stoker-gpu-check.$$" "${HOME:-/root}/.cache/stoker-gpu-check") \
    || die "found no directory that allows executing files to unpack $archive into"
  rm -rf "${dir:?}/bundle"
  tar xzf "$archive" -C "$dir" || die "cannot unpack $archive into $dir"
  echo "$dir/bundle"
}

run_bundle() {
  local B=$1
  if [ -f "$B" ]; then
    echo "gpu-check: unpacking $B" >&2
    B=$(unpack "$B") || exit 2
  fi
  B=$(cd "$B" 2>/dev/null && pwd) || die "no bundle at $1"
  [ -x "$B/jre/bin/java" ] && [ -f "$B/app/stoker-cli.jar" ] || die "$B is not a bundle (build one with --build-only)"
  MODE=gpu
  local mode=gpu
  if [ -n "$STANDIN" ]; then
    STANDIN=$(cd "$STANDIN" 2>/dev/null && pwd) || die "--standin: no directory $STANDIN"
    [ -f "$STANDIN/libcuda.so.1" ] || die "--standin: no libcuda.so.1 in $STANDIN"
    mode=emulated MODE=emulated
  fi
  command -v timeout >/dev/null || die "needs coreutils' timeout"
  RES=${RESULTS:-$B/results/$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$RES" || die "cannot write the results directory $RES"
  RES=$(cd "$RES" && pwd)
  clock
  local started=$NOW_MS
  DEADLINE_MS=$((NOW_MS + TIMEOUT * 1000))
  # java.io.tmpdir, and a home for the demo's generated dataset, outside the results
  local tmp home
  tmp=$(exec_dir "$B/tmp" "${TMPDIR:-/tmp}/stoker-gpu-check.$$" "/dev/shm/stoker-gpu-check.$$" "${HOME:-/root}/.cache/stoker-gpu-check") \
    || die "found no directory that allows executing files (tried $B/tmp, \$TMPDIR, /dev/shm, ~/.cache)"
  home=$tmp/home
  mkdir -p "$home" || die "cannot write $home"
  # the stand-in goes first; the bundled decoder libraries after what the host has set
  export LD_LIBRARY_PATH=${STANDIN:+$STANDIN:}${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$B/native
  [ "$mode" = emulated ] && export STOKER_STANDIN_SEED=${STOKER_STANDIN_SEED:-14}
  local java=$B/jre/bin/java
  local common=(-Djava.io.tmpdir="$tmp" -Djava.library.path="$B/native" -Duser.home="$home" -Djava.awt.headless=true
    --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC)
  local checks=("$java" "${common[@]}" --enable-native-access=ALL-UNNAMED -cp "$B/app/gpu-checks.jar:$B/app/lib/*"
    dev.stoker.cuda.checks.GpuChecks)
  local cli=("$java" "${common[@]}" --enable-native-access=dev.stoker.reactor,dev.stoker.cuda,jcuda -XX:TieredStopAtLevel=1
    -Dreactor.schedulers.defaultBoundedElasticOnVirtualThreads=true
    --module-path "$B/app/stoker-cli.jar:$B/app/lib" -m dev.stoker.cli/dev.stoker.cli.StokerCli)
  echo "gpu-check: $mode run from $B, results in $RES, overall timeout $TIMEOUT s" >&2

  local smi=
  if command -v nvidia-smi >/dev/null; then
    smi=$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)
  fi

  # 1. preflight: every kernel, before anything else
  run_stage preflight 120 "${checks[@]}" --preflight-only
  local status=$LAST_STATUS reason=$LAST_REASON
  if [ "$status" = passed ] && grep -q "CUDA unavailable" "$RES/preflight.log"; then
    status=failed reason="CUDA is unavailable, so nothing was checked"
  fi
  record preflight "$status" "$LAST_RC" "$LAST_SECONDS" "$reason"

  # 2. all the checks, with their figures in gpu-checks.json
  local cj=$RES/gpu-checks.json
  rm -f "$cj"
  run_stage gpu-checks 330 "${checks[@]}" --json "$cj"
  status=$LAST_STATUS reason=$LAST_REASON
  if [ "$status" = passed ] && [ ! -s "$cj" ]; then
    status=failed reason="exited 0 but wrote no $cj"
  fi
  record gpu-checks "$status" "$LAST_RC" "$LAST_SECONDS" "$reason"

  # 3. the demo: loader -> DeviceFeed -> reference trainer; must be on the GPU and learn
  run_stage demo 180 "${cli[@]}" demo --json --per-class 30 --epochs 4 --size 64 --batch 16
  status=$LAST_STATUS reason=$LAST_REASON
  local demo=$RES/demo.json
  grep '^{' "$RES/demo.log" 2>/dev/null | tail -1 > "$demo"
  local -A D=() C=()
  json_load "$demo" D
  local backend device driver decoder loss_start loss_end accuracy chance
  backend=$(unquote "${D[backend]:-null}")
  device=$(unquote "${D[device]:-null}")
  driver=${D[driver_version]:-null}
  decoder=$(unquote "${D[decoder]:-null}")
  loss_start=${D[loss_start]:-null} loss_end=${D[loss_end]:-null}
  accuracy=${D[accuracy]:-null} chance=${D[chance]:-null}
  if [ "$status" = passed ]; then
    if [ ! -s "$demo" ]; then
      reason="no JSON line"
    elif [ "$backend" != cuda ]; then
      reason="backend is '$backend', not cuda: $(unquote "${D[fallback_reason]:-null}")"
    elif [ "$decoder" != libjpeg-turbo ]; then
      reason="the native decoder did not load (decoder '$decoder'): the bundle's libraries do not fit this host (glibc $(ldd --version 2>/dev/null | head -1 | awk '{print $NF}'); $(sed -n 's/^needs: //p' "$B/MANIFEST.txt" 2>/dev/null))"
    elif ! is_number "$loss_start" || ! is_number "$loss_end" || ! awk -v s="$loss_start" -v e="$loss_end" 'BEGIN {exit !(e < s)}'; then
      reason="the trainer did not learn (loss $loss_start -> $loss_end)"
    elif ! is_number "$accuracy" || ! awk -v a="$accuracy" -v c="$chance" 'BEGIN {exit !(a > c)}'; then
      reason="accuracy $accuracy is not above chance $chance"
    fi
    [ -n "$reason" ] && status=failed
  fi
  record demo "$status" "$LAST_RC" "$LAST_SECONDS" "$reason"

  # 4. the bench figures, measured by gpu-checks through DeviceFeed and with a plain pinned copy
  local feed plain wait
  json_load "$cj" C
  feed=${C[h2d_gb_s_feed]:-null} plain=${C[h2d_gb_s_plain]:-null} wait=${C[consumer_wait_pct]:-null}
  status=passed reason=
  if ! is_number "$feed" || ! is_number "$plain" || ! is_number "$wait"; then
    status=failed reason="gpu-checks.json lacks h2d_gb_s_feed, h2d_gb_s_plain or consumer_wait_pct ($feed, $plain, $wait)"
  elif ! awk -v f="$feed" -v p="$plain" -v w="$wait" 'BEGIN {exit !(f > 0 && p > 0 && w >= 0 && w <= 100)}'; then
    status=failed reason="implausible figures: feed $feed GB/s, plain $plain GB/s, wait $wait %"
  fi
  record bench "$status" "$([ "$status" = passed ] && echo 0 || echo 1)" 0.0 "$reason"

  # 5. a device was used, and it is what this mode claims: a GPU, or (emulated) the stand-in
  [ -n "$device" ] || device=$(unquote "${C[device]:-null}")
  [ "$driver" != null ] || driver=${C[driver_version]:-null}
  [ "$driver" != 0 ] || driver=null
  status=passed reason=
  local standin_device=0
  [[ "${device,,}" == *stand-in* ]] && standin_device=1
  if [ -z "$device" ] || { [ "$backend" != cuda ] && [ ! -s "$cj" ]; }; then
    status=failed reason="no CUDA device was used (see preflight, gpu-checks and demo)"
  elif [ "$mode" = gpu ] && [ "$standin_device" = 1 ]; then
    status=failed reason="the CUDA driver found is the stand-in (a test fixture), not a GPU's; run with --emulated for that"
  elif [ "$mode" = emulated ] && [ "$standin_device" = 0 ]; then
    status=failed reason="emulated, but the device '$device' is not the stand-in"
  fi
  record device "$status" "$([ "$status" = passed ] && echo 0 || echo 1)" 0.0 "$reason"

  # the summary
  local i passed=0 failed=0 stages=
  for i in "${!NAMES[@]}"; do
    [ "${STATUSES[$i]}" = passed ] && passed=$((passed + 1)) || failed=$((failed + 1))
    stages+="${stages:+,}{\"name\":$(json_str "${NAMES[$i]}"),\"status\":$(json_str "${STATUSES[$i]}"),\"exit\":${CODES[$i]},\"seconds\":${SECONDS_[$i]}"
    [ -n "${REASONS[$i]}" ] && stages+=",\"reason\":$(json_str "${REASONS[$i]}")"
    stages+="}"
  done
  # what the figures come from is the device's to say, whatever the mode claimed
  local kind figures
  if [ "$standin_device" = 1 ]; then
    kind=cuda-standin
    figures="the CUDA driver stand-in, a test fixture running kernels on the CPU: no figure here is a GPU figure"
  elif [ -n "$device" ]; then
    kind=gpu
    figures="this GPU: $device"
  else
    kind=none
    figures="no CUDA device: no figure here is a GPU figure"
  fi
  local summary
  summary="{\"gpu_check\":\"summary\",\"mode\":\"$mode\",\"device_kind\":\"$kind\",\"figures_from\":$(json_str "$figures")"
  summary+=",\"device\":$(json_str "$device"),\"driver_version\":$driver,\"nvidia_smi\":$(json_str "$smi")"
  summary+=",\"host_glibc\":$(json_str "$(ldd --version 2>/dev/null | head -1 | awk '{print $NF}')")"
  summary+=",\"bundle_needs_glibc\":$(json_str "$(sed -n 's/^needs: .*glibc >= \([0-9.]*\).*/\1/p' "$B/MANIFEST.txt" 2>/dev/null)")"
  summary+=",\"bundle\":$(json_str "$(sed -n 's/^commit: //p' "$B/MANIFEST.txt" 2>/dev/null)")"
  summary+=",\"h2d_gb_s_feed\":$feed,\"h2d_gb_s_plain\":$plain,\"consumer_wait_pct\":$wait"
  summary+=",\"demo\":{\"backend\":$(json_str "$backend"),\"decoder\":$(json_str "$decoder"),\"images_per_s\":${D[images_per_s]:-null}"
  summary+=",\"consumer_wait_pct\":${D[consumer_wait_pct]:-null},\"loss_start\":$loss_start,\"loss_end\":$loss_end"
  summary+=",\"accuracy\":$accuracy,\"chance\":$chance}"
  clock
  secs $((NOW_MS - started))
  summary+=",\"timeout_s\":$TIMEOUT,\"seconds\":$SECS"
  summary+=",\"stages\":[$stages],\"passed\":$passed,\"failed\":$failed,\"results\":$(json_str "$RES")}"
  echo "$summary" > "$RES/summary.json"
  echo "$summary"
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}

case "$ACTION" in
  build)
    build_bundle "$(cd "$(dirname "$SELF")/.." && pwd)/.gpu/bundle" ;;
  run)
    run_bundle "$BUNDLE" ;;
  emulated)
    ROOT=$(cd "$(dirname "$SELF")/.." && pwd)
    build_bundle "$ROOT/.gpu/bundle"
    [ -f "$ROOT/cuda-standin/target/standin/libcuda.so.1" ] \
      || die "no stand-in at cuda-standin/target/standin/libcuda.so.1 (the build of module cuda-standin makes it)"
    STANDIN=${STANDIN:-$ROOT/cuda-standin/target/standin}
    run_bundle "$ROOT/.gpu/bundle" ;;
  all)
    ROOT=$(cd "$(dirname "$SELF")/.." && pwd)
    build_bundle "$ROOT/.gpu/bundle"
    run_bundle "$ROOT/.gpu/bundle" ;;
esac

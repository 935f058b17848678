# Shared by scripts/pack-vs-folder.sh, scripts/small-files-vs-pack.sh and scripts/s3-vs-local.sh;
# sourced, not run. Sets HERE (the checkout) and STOKER (the launcher), and defines:
#   need CMD...            fail with a clear message when a command is missing
#   build_cli              build the CLI once, before any timed run (a `package`, no install; skipped
#                          when the launcher's build is newer than every source, or with SKIP_BUILD=1)
#   build_benchmarks       build the benchmarks module and its class path (benchmarks/target/lib)
#   bench_java CLASS ARGS  run a benchmarks-module main on a JDK 25 or newer (BENCH_EXEC=1: exec it)
#   drop_caches            sync and drop the page cache; returns 1 (and says why once) when it cannot
#   now                    seconds since the epoch, with nanoseconds
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STOKER=${STOKER:-$HERE/stoker}

need() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "$(basename "$0"): needs '$cmd' on the PATH" >&2; exit 2; }
  done
}

now() { date +%s.%N; }

MVN_QUICK=(-B -q -DskipTests -Dstoker.standin.skip -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
[[ "${MVN_OFFLINE:-1}" == 1 ]] && MVN_QUICK+=(-o)

build_cli() {
  [[ "${SKIP_BUILD:-0}" == 1 || "$STOKER" != "$HERE/stoker" ]] && return 0
  local stamp=$HERE/loader-cli/target/.stoker-built
  if [[ -f "$stamp" && -f "$HERE/loader-cli/target/stoker-cli.jar" ]] && [[ -z "$(find "$HERE" -path "$HERE/.git" -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  echo "building the CLI (mvnw package -pl loader-cli -am) ..." >&2
  rm -rf "$HERE/loader-cli/target/lib"
  (cd "$HERE" && ./mvnw "${MVN_QUICK[@]}" -pl loader-cli -am package) >&2
  touch "$stamp"
}

build_benchmarks() {
  [[ "${SKIP_BUILD:-0}" == 1 && -d "$HERE/benchmarks/target/lib" ]] && return 0
  echo "building the benchmarks module (mvnw package -pl benchmarks -am) ..." >&2
  rm -rf "$HERE/benchmarks/target/lib"
  (cd "$HERE" && ./mvnw "${MVN_QUICK[@]}" -pl benchmarks -am package) >&2
}

BENCH_JAVA=
find_bench_java() {   # a JDK 25 or newer, as the stoker launcher looks for one
  [[ -n "$BENCH_JAVA" ]] && return 0
  local java
  for java in ${STOKER_JAVA:-} "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java; do
    if [[ -x "$java" ]] && "$java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then BENCH_JAVA=$java; return 0; fi
  done
  echo "$(basename "$0"): no JDK 25 or newer found; set STOKER_JAVA" >&2
  exit 2
}

bench_java() {
  find_bench_java
  local class=$1
  shift
  local jar
  jar=$(ls "$HERE"/benchmarks/target/benchmarks-*.jar 2>/dev/null | head -1)
  [[ -n "$jar" ]] || { echo "$(basename "$0"): benchmarks/target has no jar; build_benchmarks first" >&2; exit 2; }
  # shellcheck disable=SC2086
  if [[ "${BENCH_EXEC:-0}" == 1 ]]; then   # in a background subshell: $! is then the JVM itself
    exec "$BENCH_JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} -cp "$jar:$HERE/benchmarks/target/lib/*" "$class" "$@"
  fi
  # shellcheck disable=SC2086
  "$BENCH_JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} -cp "$jar:$HERE/benchmarks/target/lib/*" "$class" "$@"
}

DROP_WARNED=0
drop_caches() {
  if [[ "${NO_DROP:-0}" == 1 ]]; then return 1; fi
  sync
  if { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then return 0; fi
  if [[ $DROP_WARNED == 0 ]]; then
    echo "NOTE: cannot drop the page cache (needs root and a writable /proc/sys/vm/drop_caches):" \
      "'cold' runs below are NOT cold" >&2
    DROP_WARNED=1
  fi
  return 1
}

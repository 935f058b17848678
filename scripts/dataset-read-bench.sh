#!/usr/bin/env bash
# Times opening and reading a dataset through the sources of a built checkout (no launcher, no
# install): N files of SIZE bytes as an ImageFolder, a COCO file and a CSV manifest. Run it on two
# checkouts (each built with ./mvnw -o -pl loader-reactor -am compile) to compare the cost of the
# checks each read makes (a stat, and for COCO/VOC/manifests a realpath) before and after.
#
#   scripts/dataset-read-bench.sh [N] [SIZE] [CHECKOUT]    # defaults: 5000 110000 this checkout
#   JAVA=/path/to/jdk-25/bin/java scripts/dataset-read-bench.sh   # a Java 25 runtime is needed
set -euo pipefail
N=${1:-5000}
SIZE=${2:-110000}
ROOT=$(cd "${3:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/DatasetReadBench.java
M2=${M2:-$HOME/.m2/repository}
v=$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' "$ROOT/pom.xml")
jars=""
for a in core databind annotations; do
  jars="$jars:$(ls "$M2/com/fasterxml/jackson/core/jackson-$a/$v/jackson-$a-$v.jar" 2>/dev/null \
    || ls "$M2"/com/fasterxml/jackson/core/jackson-$a/2.*/jackson-$a-2.*.jar | grep -v -- -sources | tail -1)"
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stoker-readbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"${JAVA:-java}" --enable-native-access=ALL-UNNAMED -cp "$ROOT/loader-reactor/target/classes:$ROOT/loader-api/target/classes:$jars" "$BENCH" "$WORK" "$N" "$SIZE"

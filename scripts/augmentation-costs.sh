#!/usr/bin/env bash
# Measures the per-pixel costs behind `stoker plan` (dev.stoker.image.AugmentationCosts) on this
# machine, as CPU time of one thread, with benchmarks' AugmentationCostHarness; prints the figures
# and the `new AugmentationCosts(...)` line to paste into AugmentationCosts.MEASURED, and the
# tolerance figures AugmentationPlan's notes quote (crop mean-gray shift, rotate-then-crop fill).
#
# Usage: scripts/augmentation-costs.sh DIR [N]
#   DIR  a directory of JPEGs (searched recursively), e.g. /work/photos-large/train
#   N    how many of them, in name order (default 12)
set -euo pipefail
case "${1:-}" in
  -h | --help | '') sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; [[ -n "${1:-}" ]]; exit $? ;;
esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$HERE"
./mvnw -B -q -o -DskipTests -Dstoker.standin.skip -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -pl benchmarks -am package >&2
JAVA=${STOKER_JAVA:-}
if [[ -z "$JAVA" ]]; then   # a JDK 25 or newer, as the stoker launcher looks for one
  for java in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java; do
    if [[ -x "$java" ]] && "$java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then JAVA=$java; break; fi
  done
fi
[[ -n "$JAVA" ]] || { echo "augmentation-costs.sh: no JDK 25 or newer found; set STOKER_JAVA" >&2; exit 2; }
exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$(ls benchmarks/target/benchmarks-*.jar | head -1):benchmarks/target/lib/*" \
  dev.stoker.image.AugmentationCostHarness "$@"

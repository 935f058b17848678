#!/usr/bin/env bash
# Builds the examples against the installed Stoker artifacts and runs them, and checks the CLI
# archive on the way. Run from anywhere, after the artifacts are installed and the archive built:
#
#   ./mvnw -B install -DskipTests && examples/run.sh       (.ci/run does this after ./mvnw -B verify)
#
# 1. unpacks distribution/target/stoker-VERSION-bin.tar.gz into a temporary directory and runs its
#    bin/stoker --version (must print the project's version) and bin/stoker demo on a small
#    generated dataset (48 JPEGs in 6 classes, made under the temporary directory; a JVM WARNING
#    line fails it);
# 2. makes a COCO dataset from those images (one or two boxes each);
# 3. builds examples/ with the repository's ./mvnw -f examples/pom.xml against the Maven
#    repository the artifacts were installed in (MAVEN_ARGS is read by Maven itself, e.g.
#    MAVEN_ARGS="-o -Dmaven.repo.local=/path/to/repo"), and runs TrainClassifier on the generated
#    ImageFolder set, DetectBoxes on the COCO set and StreamFromNode on the ImageFolder set.
# Any step that fails ends the script with its status. STOKER_JAVA names a java binary (25 or newer).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=$(sed -n '/<artifactId>stoker-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$ROOT/pom.xml")
ARCHIVE="$ROOT/distribution/target/stoker-$VERSION-bin.tar.gz"
[ -n "$VERSION" ] || { echo "run.sh: cannot read the project version from $ROOT/pom.xml" >&2; exit 1; }
[ -f "$ARCHIVE" ] || { echo "run.sh: $ARCHIVE is missing; build it first (./mvnw -B install -DskipTests)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stoker-examples.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS
step() { echo "run.sh: [$((SECONDS - started)) s] $*" >&2; }

# 1. the archive: unpack, --version, demo (its generated dataset lands under the given user.home)
step "unpacking $(basename "$ARCHIVE")"
tar -xzf "$ARCHIVE" -C "$WORK"
DIST="$WORK/stoker-$VERSION"
printed=$("$DIST/bin/stoker" --version | head -1)
[ "$printed" = "stoker $VERSION" ] || { echo "run.sh: bin/stoker --version printed '$printed', not 'stoker $VERSION'" >&2; exit 1; }
step "bin/stoker --version: $printed"
STOKER_JAVA_OPTS="-Duser.home=$WORK/home" "$DIST/bin/stoker" demo --per-class 8 --epochs 1 >"$WORK/demo.log" 2>&1 \
  || { cat "$WORK/demo.log" >&2; echo "run.sh: bin/stoker demo failed" >&2; exit 1; }
grep -E '^(checked|trained)' "$WORK/demo.log" >&2 || true
# a JVM warning (native access, sun.misc.Unsafe) means conf/jvm.options did not reach the JVM
if grep -q '^WARNING' "$WORK/demo.log"; then
  grep '^WARNING' "$WORK/demo.log" >&2
  echo "run.sh: bin/stoker demo printed JVM warnings" >&2
  exit 1
fi
DATA="$WORK/home/.cache/stoker/demo"
[ -d "$DATA" ] || { echo "run.sh: bin/stoker demo made no dataset under $DATA" >&2; exit 1; }
step "bin/stoker demo passed; its dataset: $DATA"

# 2. a COCO dataset of the same images: a box in every image, a second one of the next class in
#    every other (the demo's images are at least 320x240, so both lie inside)
COCO="$WORK/coco"
mkdir -p "$COCO/images"
cp -r "$DATA"/*/ "$COCO/images/"
mapfile -t CLASSES < <(cd "$DATA" && find . -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | LC_ALL=C sort)
{
  images=() annotations=() categories=()
  id=0 box=0
  for k in "${!CLASSES[@]}"; do
    categories+=("{\"id\": $((k + 1)), \"name\": \"${CLASSES[$k]}\"}")
    for file in $(cd "$DATA/${CLASSES[$k]}" && ls -- *.jpg | LC_ALL=C sort); do
      id=$((id + 1))
      images+=("{\"id\": $id, \"file_name\": \"${CLASSES[$k]}/$file\"}")
      box=$((box + 1))
      annotations+=("{\"id\": $box, \"image_id\": $id, \"category_id\": $((k + 1)), \"bbox\": [40, 30, 160, 120]}")
      if [ $((id % 2)) -eq 0 ]; then
        box=$((box + 1))
        annotations+=("{\"id\": $box, \"image_id\": $id, \"category_id\": $(((k + 1) % ${#CLASSES[@]} + 1)), \"bbox\": [200, 100, 100, 120]}")
      fi
    done
  done
  join() { local IFS=,; echo "$*"; }
  printf '{"images": [%s],\n "categories": [%s],\n "annotations": [%s]}\n' \
    "$(join "${images[@]}")" "$(join "${categories[@]}")" "$(join "${annotations[@]}")"
} >"$COCO/annotations.json"
step "made a COCO set of $id images and $box boxes in $COCO"

# 3. the examples, built against the installed artifacts
step "building examples/ against stoker $VERSION"
(cd "$ROOT" && ./mvnw -B -q -f examples/pom.xml -Dstoker.version="$VERSION" clean package)

java_major() { # prints the feature version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1 || echo 0
}
JAVA=
for candidate in ${STOKER_JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} /usr/lib/jvm/*/bin/java $(command -v java 2>/dev/null || true); do
  if [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then JAVA=$candidate; break; fi
done
[ -n "$JAVA" ] || { echo "run.sh: needs a JDK 25 or newer" >&2; exit 1; }
run_example() { # CLASS ARGS...: runs one example on the class path of examples/target
  step "$1 ${*:2}"
  "$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djava.io.tmpdir="$WORK" \
    -cp "$ROOT/examples/target/classes:$ROOT/examples/target/lib/*" "dev.stoker.examples.$1" "${@:2}"
}
run_example TrainClassifier "$DATA" 3
run_example DetectBoxes "$COCO" 2
run_example StreamFromNode "$DATA"
step "all passed"

#!/usr/bin/env bash
# Makes the file tree of a base image from THIS machine's files, for the Jib profile image-local
# (loader-cli/pom.xml): no registry and no Docker daemon needed. The tree holds
#   /opt/java/openjdk   a Java runtime made by jlink from the build's JDK 25 (java.se and the few
#                       jdk.* modules the CLI needs; no debug symbols, headers or man pages)
#   /lib/x86_64-linux-gnu, /lib64
#                       the glibc it runs on, copied from this machine (libc, libm, libdl,
#                       libpthread, librt and the dynamic linker; glibc 2.34+ has NSS files/DNS
#                       inside libc, so name lookups work without more). The native decoder
#                       brings its own libjpeg-turbo, libpng and zlib inside loader-reactor's jar.
#   /etc/passwd, /etc/group, /etc/nsswitch.conf
#                       the user stoker (10001) that the image runs as
#   /tmp                (Kubernetes mounts an emptyDir there; the root file system stays read-only)
# The Jib build starts FROM scratch and adds this tree as a layer. Licences: the JDK's legal/
# folder comes along inside the runtime; glibc is LGPL-2.1, its copyright file is copied too.
#
#   local-base.sh OUTDIR [JDK]    (JDK: a JDK 25+ folder; else JAVA_HOME, else the first in /usr/lib/jvm)
set -euo pipefail
out=${1:?usage: local-base.sh OUTDIR [JDK]}
java_major() { # the feature version of the java binary $1, or 0 (as the stoker launcher does)
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1 || echo 0
}
jdk=
for candidate in ${2:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$candidate/bin/jlink" ] && [ "$(java_major "$candidate/bin/java")" -ge 25 ] 2>/dev/null; then
    jdk=$candidate
    break
  fi
done
[ -n "$jdk" ] || { echo "local-base.sh: no JDK 25 or newer with jlink (give its folder as JAVA_HOME)" >&2; exit 1; }
multiarch=/lib/x86_64-linux-gnu
[ -e "$multiarch/libc.so.6" ] && [ -e /lib64/ld-linux-x86-64.so.2 ] \
  || { echo "local-base.sh: needs an x86-64 glibc machine ($multiarch/libc.so.6)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/opt/java" "$out$multiarch" "$out/lib64" "$out/etc" "$out/tmp" "$out/usr/share/doc/libc6"
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress zip-6 --output "$out/opt/java/openjdk"
for lib in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1; do
  cp -L "$multiarch/$lib" "$out$multiarch/$lib"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/ld-linux-x86-64.so.2"
[ -f /usr/share/doc/libc6/copyright ] && cp /usr/share/doc/libc6/copyright "$out/usr/share/doc/libc6/copyright"
# every library the runtime's own code links against (AWT's X11 ones aside: headless, never loaded)
missing=$(for f in "$out"/opt/java/openjdk/bin/java "$out"/opt/java/openjdk/lib/*.so "$out"/opt/java/openjdk/lib/server/libjvm.so; do
  readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'; done | sort -u \
  | while read -r so; do [ -e "$out$multiarch/$so" ] || [ -e "$out/lib64/$so" ] || [ -e "$out/opt/java/openjdk/lib/$so" ] \
      || [ -e "$out/opt/java/openjdk/lib/server/$so" ] || echo "$so"; done | grep -v -E '^lib(X|xcb|asound|freetype|fontconfig)' || true)
[ -z "$missing" ] || echo "local-base.sh: note, not copied (loaded only by libraries a server never uses): $missing" >&2
printf 'root:x:0:0:root:/root:/sbin/nologin\nstoker:x:10001:10001:stoker:/nonexistent:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\nstoker:x:10001:\n' >"$out/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$out/etc/nsswitch.conf"
echo "local-base.sh: $(du -sh "$out" | cut -f1) in $out"

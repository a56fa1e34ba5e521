#!/usr/bin/env bash
# Prepares the files Jib adds on top of `scratch` for the Curve4J images (Maven profile
# `images`): no base image is pulled, so everything a JVM needs comes from this build host.
#
#   build-rootfs.sh BASE_DIR EXTRA_DIR FLAVOR [FS_CLIENT_JAR]
#
# BASE_DIR (shared by every image, built once per reactor; rebuilt when this script changes):
#   /opt/java            a runtime made with jlink from the build JDK
#   /usr/lib/...         the shared libraries java, its own libraries, libfuse 2 and the JNI libraries
#                        the services load (RocksDB, Netty epoll, Conscrypt, jffi) need: an ldd closure,
#                        plus /lib64/ld-linux-x86-64.so.2 and an ld.so.cache
#   /bin/busybox + links /bin/sh, wget (health checks), ... from Debian's busybox-static
#   /etc/passwd, group   root and curve4j (10001:10001); /etc/nsswitch.conf, CA certificates
#   /tmp, /var/lib/curve4j, /etc/curve4j/secrets
# EXTRA_DIR (this image only): FLAVOR `cli` adds the CurveFS client jar where `curve fs mount`
#   looks for it (-Dcurve.root=/opt/curve4j); others add nothing. libfuse 2 is in the base.
set -euo pipefail

base=$1 extra=$2 flavor=$3 fs_client_jar=${4:-}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "build-rootfs.sh: $*" >&2; exit 1; }

[ "$(uname -m)" = x86_64 ] || die "the images are linux/amd64; this host is $(uname -m)"
# grep reads the whole list: with -q it would stop at the match, busybox could die of
# SIGPIPE writing the rest, and pipefail would take that for a missing wget
[ -x /bin/busybox ] && /bin/busybox --list | grep -x wget >/dev/null \
  || die "no static busybox in /bin/busybox: apt-get install busybox-static"
jlink=$(command -v jlink) || die "no jlink: a full JDK is needed (openjdk-17-jdk-headless)"
command -v unzip >/dev/null || die "no unzip (it takes the JNI libraries out of their jars): apt-get install unzip"
java_home=$(dirname "$(dirname "$(readlink -f "$jlink")")")

# The modules the services use (Spring needs java.desktop for java.beans, jraft and Netty
# jdk.unsupported, Actuator java.management, the S3 SDK java.net.http and java.naming, H2 java.sql),
# plus jcmd for thread and heap dumps in a running container.
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,\
java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,\
java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.cryptoki,\
jdk.crypto.ec,jdk.jcmd,jdk.jfr,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.naming.dns,\
jdk.net,jdk.security.auth,jdk.unsupported,jdk.zipfs

# copies a file to the same path under $1, resolving symbolic links (Jib copies files only)
copy_real() {
  local root=$1 file=$2
  mkdir -p "$root$(dirname "$file")"
  cp -L --preserve=mode "$file" "$root$file"
}

# copies the ldd closure of every ELF file given, each library under the name it is asked
# for (ldd's path, /lib moved under /usr/lib as on a merged-/usr system); the loader itself
# goes to /lib64/ld-linux-x86-64.so.2, which every binary's PT_INTERP names
copy_libs() {
  local root=$1; shift
  local lib
  ldd "$@" 2>/dev/null | awk '/=> \// { print $3 }' | sort -u | while read -r lib; do
    dest=$(realpath -s "$lib" | sed 's,^/lib/,/usr/lib/,; s,^/lib64/,/usr/lib64/,')
    mkdir -p "$root$(dirname "$dest")"
    cp -L "$lib" "$root$dest"
  done
}

stamp="$base.stamp"
want="$(sha256sum "$here/build-rootfs.sh" | cut -c1-16) $(readlink -f "$jlink")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  rm -rf "$base" "$stamp"
  mkdir -p "$(dirname "$base")"
  tmp="$base.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp/opt"
  echo "build-rootfs.sh: jlink runtime from $java_home" >&2
  "$jlink" --add-modules "$modules" --strip-debug --compress=2 --no-header-files --no-man-pages \
    --output "$tmp/opt/java"
  # Debian's libjvm.so keeps its symbol table: 23 MB, 20 MB without (strip is in binutils)
  if command -v strip >/dev/null; then strip --strip-unneeded "$tmp/opt/java/lib/server/libjvm.so"; fi
  # java.desktop is there for java.beans only: its native graphics and sound libraries would
  # pull in X11, freetype, harfbuzz, glib and ALSA (AWT stays usable headless)
  (cd "$tmp/opt/java/lib" && rm -f libawt_xawt.so libjawt.so libsplashscreen.so libjsound.so libfontmanager.so \
    liblcms.so libjavajpeg.so)

  # libfuse 2 for `curve fs mount` (jnr-fuse loads it; 300 KB, so every image has it)
  # awk reads the whole list (no `exit`): ldconfig would die of SIGPIPE writing the rest
  fuse=$(ldconfig -p | awk '/libfuse\.so\.2 .*x86-64/ && !found { print $NF; found = 1 }')
  [ -n "$fuse" ] || die "no libfuse.so.2 on this host: apt-get install libfuse2"
  # the JNI libraries the services load at run time, from the jars in the local repository
  jni=$(mktemp -d)
  m2=${MAVEN_REPO:-$HOME/.m2/repository}
  for pattern in 'org/rocksdb/rocksdbjni/*/rocksdbjni-*-linux64.jar:librocksdbjni-linux64.so' \
      'io/grpc/grpc-netty-shaded/*/grpc-netty-shaded-*.jar:META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so' \
      'org/conscrypt/conscrypt-openjdk-uber/*/conscrypt-openjdk-uber-*.jar:META-INF/native/libconscrypt_openjdk_jni-linux-x86_64.so' \
      'com/github/jnr/jffi/*/jffi-*-native.jar:jni/x86_64-Linux/libjffi-*.so'; do
    # shellcheck disable=SC2086
    for jar in $m2/${pattern%%:*}; do
      [ -f "$jar" ] && (cd "$jni" && unzip -q -o -j "$jar" "${pattern#*:}" 2>/dev/null) || true
    done
  done
  # RocksDB's is the one every Raft service loads: without it the closure below would miss its libraries
  [ -n "$(find "$jni" -name 'librocksdbjni-linux64.so')" ] || die "no RocksDB JNI library found under $m2"
  mkdir -p "$tmp/usr/lib/x86_64-linux-gnu"
  cp -L "$fuse" "$tmp/usr/lib/x86_64-linux-gnu/libfuse.so.2"
  # shellcheck disable=SC2046
  copy_libs "$tmp" "$fuse" "$tmp/opt/java/bin/java" $(find "$tmp/opt/java" -name '*.so') $(find "$jni" -name '*.so')
  rm -rf "$jni"
  copy_real "$tmp" /lib64/ld-linux-x86-64.so.2

  mkdir -p "$tmp/bin" "$tmp/etc/ld.so.conf.d" "$tmp/etc/curve4j/secrets" "$tmp/tmp" "$tmp/var/lib/curve4j" \
    "$tmp/etc/ssl/certs"
  cp /bin/busybox "$tmp/bin/busybox"
  # Jib copies files, not links: /bin/sh is a second busybox (its applet from argv[0]), the
  # other applets tiny scripts calling busybox
  cp /bin/busybox "$tmp/bin/sh"
  for applet in wget cat ls ps env id mkdir rm cp mv head tail grep sed tr base64 od seq sleep kill df du chmod \
      chown hostname nslookup nc test printf echo date; do
    printf '#!/bin/sh\nexec /bin/busybox %s "$@"\n' "$applet" > "$tmp/bin/$applet"
    chmod 755 "$tmp/bin/$applet"
  done

  printf 'root:x:0:0:root:/root:/bin/sh\ncurve4j:x:10001:10001:Curve4J:/var/lib/curve4j:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    > "$tmp/etc/passwd"
  printf 'root:x:0:\ncurve4j:x:10001:\nnogroup:x:65534:\n' > "$tmp/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$tmp/etc/nsswitch.conf"
  printf '/usr/lib/x86_64-linux-gnu\n/usr/lib64\n' > "$tmp/etc/ld.so.conf.d/x86_64-linux-gnu.conf"
  printf 'include /etc/ld.so.conf.d/*.conf\n' > "$tmp/etc/ld.so.conf"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    cp -L /etc/ssl/certs/ca-certificates.crt "$tmp/etc/ssl/certs/ca-certificates.crt"
  fi
  # the dynamic loader finds every library through this cache, whatever its directory
  ldconfig -X -r "$tmp"
  mv "$tmp" "$base"
  echo "$want" > "$stamp"
  echo "build-rootfs.sh: base $(du -sh "$base" | cut -f1) in $base" >&2
fi

rm -rf "$extra"
mkdir -p "$extra"
case "$flavor" in
  cli)
    # where `curve fs mount` looks for the CurveFS client: -Dcurve.root=/opt/curve4j
    [ -f "$fs_client_jar" ] || die "no CurveFS client jar $fs_client_jar: build fs-client first"
    mkdir -p "$extra/opt/curve4j/fs-client/target" "$extra/bin"
    cp "$fs_client_jar" "$extra/opt/curve4j/fs-client/target/curve-fs-client-exec.jar"
    # `curve ARGS` inside the container (docker compose exec nbd curve status), as bin/curve runs
    # the CLI: a short-lived JVM, so a small heap and the C1 compiler only
    cat > "$extra/bin/curve" <<'CURVE'
#!/bin/sh
exec /opt/java/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dcom.google.protobuf.use_unsafe_pre22_gencode \
  -Dcurve.root=/opt/curve4j $CURVE_JAVA_OPTS -cp @/app/jib-classpath-file io.curve4j.cli.CurveCli "$@"
CURVE
    chmod 755 "$extra/bin/curve"
    ;;
  none | "") ;;
  *) die "unknown flavor $flavor" ;;
esac

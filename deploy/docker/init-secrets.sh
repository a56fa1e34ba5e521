#!/bin/sh
# docker-compose.yml's one-shot service `init` runs this (image curve4j/cli, as root) on the
# named volume mounted at /etc/curve4j/secrets, before any other service starts. It writes each
# secret once: from the environment (.env) when given there, else drawn at random, so a
# restart keeps them. Files are owned by 10001 (the services' user), mode 400.
set -eu
d=/etc/curve4j/secrets
umask 077

# 24 random bytes, URL-safe Base64 (as `curve local up` draws them)
draw() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

put() {
  if [ ! -s "$d/$1" ]; then
    value=${2:-}
    [ -n "$value" ] || value=$(draw)
    printf '%s\n' "$value" > "$d/$1"
    echo "secrets: wrote $1"
  fi
}

put root.secret "${CURVE_ROOT_PASSWORD:-}"
put join.token "${CURVE_JOIN_TOKEN:-}"
put data.key "${CURVE_DATA_KEY:-}"
# root's NBD TLS pre-shared key, in QEMU's keys.psk format (name:hexkey, 32 bytes)
if [ ! -s "$d/keys.psk" ]; then
  printf 'root:%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$d/keys.psk"
  echo "secrets: wrote keys.psk"
fi
# S3Proxy's settings, written on every start from the .env credentials (the services are given
# the same pair in their environment)
: "${CURVE_S3_ACCESS_KEY:?set CURVE_S3_ACCESS_KEY in .env}" "${CURVE_S3_SECRET_KEY:?set CURVE_S3_SECRET_KEY in .env}"
cat > "$d/s3proxy.conf" <<CONF
s3proxy.endpoint=http://0.0.0.0:8000
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$CURVE_S3_ACCESS_KEY
s3proxy.credential=$CURVE_S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=/var/lib/curve4j/data
CONF
chown 10001:10001 "$d"/*
chmod 400 "$d"/*
# the S3 server's volume (mounted here at /var/lib/curve4j-s3): a bucket of its filesystem
# backend is a directory, and CurveFS's must exist (the snapshot service makes its own)
if [ -d /var/lib/curve4j-s3 ]; then
  mkdir -p /var/lib/curve4j-s3/data/curve-fs
  chown -R 10001:10001 /var/lib/curve4j-s3
fi
echo "secrets: ready in $d"

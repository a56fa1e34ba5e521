#!/usr/bin/env bash
# Creates the Secrets the manifests here mount, with values drawn at random on this machine
# (none is ever committed):
#
#   curve4j-secrets  root.secret  root's password (the MDS checks it; the CLI, the NBD server,
#                                 the topology Job and the snapshot service sign with it)
#                    join.token   what a chunkserver or metaserver presents at its first registration
#                    data.key     the key the MDS signs chunk capabilities with
#                    keys.psk     root's NBD TLS key (QEMU's keys.psk format: root:HEX)
#   curve4j-s3       access-key, secret-key   the object store's credentials
#                    s3proxy.conf             the bundled S3Proxy's settings (s3.yaml)
#
#   deploy/kubernetes/create-secret.sh            create both in namespace curve4j (kubectl's
#                                                 current context); an existing one is kept
#   deploy/kubernetes/create-secret.sh --dry-run  print them as YAML instead (no cluster needed)
#
# Real S3 instead of the bundled S3Proxy: S3_ACCESS_KEY=... S3_SECRET_KEY=... create-secret.sh
# (and object-store-endpoint in config.yaml). Replacing curve4j-secrets on a running cluster
# locks everyone out (root's password) and chunkservers out (join token, data key): delete it
# on purpose only, then run this again.
set -euo pipefail

namespace=curve4j
dry_run=false
case "${1:-}" in
  --dry-run) dry_run=true ;;
  "") ;;
  *) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac
command -v kubectl >/dev/null 2>&1 || { echo "create-secret.sh: kubectl not found" >&2; exit 1; }

# 32 random bytes: as text (base64 without padding or / and +), or as hex
random_text() { head -c 32 /dev/urandom | base64 -w0 | tr -d '=+/'; }
random_hex() { head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 700 "$dir"
umask 077

# the values go through files, never on a command line where other users could read them
printf '%s' "$(random_text)" >"$dir/root.secret"
printf '%s' "$(random_text)" >"$dir/join.token"
printf '%s' "$(random_text)" >"$dir/data.key"
printf 'root:%s\n' "$(random_hex)" >"$dir/keys.psk"
printf '%s' "${S3_ACCESS_KEY:-curve-$(random_hex | cut -c1-8)}" >"$dir/access-key"
printf '%s' "${S3_SECRET_KEY:-$(random_text)}" >"$dir/secret-key"
cat >"$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=http://0.0.0.0:8000
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$(cat "$dir/access-key")
s3proxy.credential=$(cat "$dir/secret-key")
jclouds.provider=filesystem
jclouds.filesystem.basedir=/var/lib/curve4j/s3
CONF

# create NAME KEY... : the Secret NAME with those files of $dir
create() {
  local name=$1; shift
  local args=() key
  for key in "$@"; do args+=("--from-file=$key=$dir/$key"); done
  if $dry_run; then
    kubectl create secret generic "$name" --namespace="$namespace" "${args[@]}" --dry-run=client -o yaml
    echo "---"
  elif kubectl get secret "$name" --namespace="$namespace" >/dev/null 2>&1; then
    echo "secret/$name exists in namespace $namespace: kept"
  else
    kubectl create secret generic "$name" --namespace="$namespace" "${args[@]}"
  fi
}

if ! $dry_run && ! kubectl get namespace "$namespace" >/dev/null 2>&1; then
  kubectl create namespace "$namespace"
fi
create curve4j-secrets root.secret join.token data.key keys.psk
create curve4j-s3 access-key secret-key s3proxy.conf

#!/usr/bin/env bash
# Usage: oci-image.sh ROOTFS CONFIG NAME OUT
# Writes OUT, an OCI image layout as one tarball (what `ctr image import` reads) holding one image named NAME: one
# gzip layer with the directory ROOTFS, and CONFIG, the JSON object that becomes the image config's "config"
# (Entrypoint, Env, Labels...). Nothing can be pulled here, so images are built from files this machine has:
# oci-layout, index.json, one manifest, one config, one layer, every blob named by its sha256.
# Owners, times and file order are fixed, so the same files give the same digests.
set -euo pipefail
rootfs=$1
config_object=$2
name=$3
out=$4
build=$(mktemp -d "${TMPDIR:-/tmp}/oci-image.XXXXXX")
trap 'rm -rf "$build"' EXIT
blobs="$build/layout/blobs/sha256"
mkdir -p "$blobs"
arch=$(dpkg --print-architecture) # Debian names amd64 and arm64 as OCI does

# Stores stdin as a blob and prints "DIGEST SIZE".
blob() {
  local tmp="$build/blob.tmp" digest
  cat > "$tmp"
  digest=$(sha256sum "$tmp" | cut -d' ' -f1)
  mv "$tmp" "$blobs/$digest"
  echo "$digest $(stat -c %s "$blobs/$digest")"
}
fixed_tar() { tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 "$@"; }

fixed_tar -C "$rootfs" -cf "$build/layer.tar" .
diff_id=$(sha256sum "$build/layer.tar" | cut -d' ' -f1)
read -r layer layer_size < <(gzip -n -6 -c "$build/layer.tar" | blob)
rm "$build/layer.tar"
read -r config config_size < <(printf '%s' '{"architecture":"'"$arch"'","os":"linux","config":'"$config_object"','\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$diff_id"'"]}}' | blob)
read -r manifest manifest_size < <(printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$config"'","size":'"$config_size"'},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$layer"'","size":'"$layer_size"'}]}' | blob)
printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$build/layout/oci-layout"
printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"digest":"sha256:'"$manifest"'","size":'"$manifest_size"',"platform":{"architecture":"'"$arch"'","os":"linux"},'\
'"annotations":{"io.containerd.image.name":"'"$name"'","org.opencontainers.image.ref.name":"'"$name"'"}}]}' \
  > "$build/layout/index.json"
mkdir -p "$(dirname "$out")"
fixed_tar -C "$build/layout" -cf "$out.tmp" oci-layout index.json blobs
mv "$out.tmp" "$out"
echo "$out"

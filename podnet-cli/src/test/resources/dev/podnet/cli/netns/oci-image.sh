#!/usr/bin/env bash
# Usage: oci-image.sh DIR NAME
# Writes DIR/image.tar, an OCI image layout holding one image named NAME: a static binary /sleeper that sleeps
# until SIGTERM. Nothing can be pulled on a test machine, so the test builds the smallest image a runtime accepts:
# oci-layout, index.json, one manifest, one config, one gzip layer, every blob named by its sha256.
set -euo pipefail
dir=$1
name=$2
build="$dir/image-build"
mkdir -p "$build/rootfs" "$build/layout/blobs/sha256"

# As PID 1 the process gets no default action for SIGTERM: without a handler, `ctr task kill` would do nothing.
cat > "$build/sleeper.c" <<'C'
#include <signal.h>
#include <unistd.h>
static void stop(int sig) { (void) sig; _exit(0); }
int main(void) { signal(SIGTERM, stop); for (;;) pause(); }
C
gcc -static -O2 -o "$build/rootfs/sleeper" "$build/sleeper.c"

blobs="$build/layout/blobs/sha256"
arch=$(dpkg --print-architecture) # Debian names amd64 and arm64 as OCI does
# Stores stdin as a blob and prints "DIGEST SIZE".
blob() {
  local tmp="$build/blob.tmp" digest
  cat > "$tmp"
  digest=$(sha256sum "$tmp" | cut -d' ' -f1)
  mv "$tmp" "$blobs/$digest"
  echo "$digest $(stat -c %s "$blobs/$digest")"
}

# Fixed owner and time so the same binary gives the same layer digest.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$build/rootfs" -cf "$build/layer.tar" sleeper
diff_id=$(sha256sum "$build/layer.tar" | cut -d' ' -f1)
read -r layer layer_size < <(gzip -n -c "$build/layer.tar" | blob)
read -r config config_size < <(printf '%s' '{"architecture":"'"$arch"'","os":"linux",'\
'"config":{"Entrypoint":["/sleeper"]},"rootfs":{"type":"layers","diff_ids":["sha256:'"$diff_id"'"]}}' | blob)
read -r manifest manifest_size < <(printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$config"'","size":'"$config_size"'},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$layer"'","size":'"$layer_size"'}]}' | blob)
printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$build/layout/oci-layout"
printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"digest":"sha256:'"$manifest"'","size":'"$manifest_size"',"platform":{"architecture":"'"$arch"'","os":"linux"},'\
'"annotations":{"io.containerd.image.name":"'"$name"'","org.opencontainers.image.ref.name":"'"$name"'"}}]}' \
  > "$build/layout/index.json"
tar -C "$build/layout" -cf "$dir/image.tar" oci-layout index.json blobs
rm -rf "$build"
echo "$dir/image.tar"

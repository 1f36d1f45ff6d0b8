#!/usr/bin/env bash
# Usage: unshare --mount --propagation private bash containerd-ns.sh DIR
# Runs containerd with DIR/containerd.toml in the private mount namespace it is started in, where
#  - /etc/cni/net.d shows DIR/net.d and /opt/cni/bin shows DIR/cni-bin: `ctr run --cni` reads only these two
#    fixed paths, and the machine's own CNI configuration must neither be seen nor changed;
#  - /run/containerd is an empty tmpfs: the shims' sockets and runc's state go there whatever the configuration says;
#  - /var/lib/cni is an empty tmpfs: libcni in ctr caches every ADD result there (results/), a fixed path as well.
# A path that does not exist gets an overlay on its nearest existing parent, so even the empty mount point is made
# in DIR and never on the machine. Writes DIR/namespace.pid (this process) once the mounts are in place, then
# becomes containerd; every `ctr` call joins this namespace with nsenter.
set -euo pipefail
dir=$1
overlaid=" "

# Shows SOURCE (a directory, or "tmpfs" for an empty one) at TARGET in this namespace only.
private_dir() {
  local target=$1 source=$2 base=$1
  if [ ! -d "$target" ]; then
    while [ ! -d "$base" ]; do base=$(dirname "$base"); done
    if [ "$base" = / ]; then
      echo "will not overlay / to make $target" >&2
      exit 1
    fi
    if [[ "$overlaid" != *" $base "* ]]; then
      local layer="$dir/overlay${base//\//_}"
      mkdir -p "$layer/upper" "$layer/work"
      mount -t overlay overlay -o "lowerdir=$base,upperdir=$layer/upper,workdir=$layer/work" "$base"
      overlaid+="$base "
    fi
    mkdir -p "$target"
  fi
  if [ "$source" = tmpfs ]; then
    mount -t tmpfs -o mode=0711 tmpfs "$target"
  else
    mount --bind "$source" "$target"
  fi
}

private_dir /etc/cni/net.d "$dir/net.d"
private_dir /opt/cni/bin "$dir/cni-bin"
private_dir /run/containerd tmpfs
private_dir /var/lib/cni tmpfs
echo $$ > "$dir/namespace.pid.tmp"
mv "$dir/namespace.pid.tmp" "$dir/namespace.pid"
exec containerd --config "$dir/containerd.toml"

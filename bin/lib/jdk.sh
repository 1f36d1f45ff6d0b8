# Sourced by bin/podnet and bin/test: finds a JDK 25 and sets JAVA_HOME, or stops with a clear message.
find_jdk25() {
  local candidates=() dir
  [ -n "${PODNET_JAVA_HOME:-}" ] && candidates+=("$PODNET_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for dir in /usr/lib/jvm/*; do candidates+=("$dir"); done
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/bin/javac" ] && [ -f "$dir/release" ] && grep -q '^JAVA_VERSION="25[."]' "$dir/release"; then
      export JAVA_HOME="$dir"
      return 0
    fi
  done
  echo "podnet: no JDK 25 found (looked at \$PODNET_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "podnet: install one (e.g. Temurin 25 under /usr/lib/jvm) or set PODNET_JAVA_HOME to it." >&2
  exit 1
}

maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "podnet: Maven (mvn) is not installed; install it (apt-get install maven)." >&2
    exit 1
  fi
  # Maven 3.8's own libraries still use sun.misc.Unsafe, which JDK 25 warns about on every run.
  MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B --no-transfer-progress -Dstyle.color=never "$@"
}

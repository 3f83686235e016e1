# Shared by the bin/ launchers: finds the project, builds it when its classes are missing, and starts a
# JVM with a module's classpath (target/classes + target/classpath.txt written by the build).
# shellcheck shell=bash

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Builds the modules (without running tests: bin/test does that) when a module's classes are missing.
ensure_built() {
  local module="$1"
  if [[ ! -d "$PROJECT_DIR/$module/target/classes" || ! -f "$PROJECT_DIR/$module/target/classpath.txt" ]]; then
    if ! command -v mvn >/dev/null 2>&1; then
      echo "Maven is needed to build ipvs-proxier (apt-get install -y maven openjdk-17-jdk-headless)" >&2
      exit 2
    fi
    echo "building ipvs-proxier ($module and what it needs)..." >&2
    (cd "$PROJECT_DIR" && mvn -B -q -pl "$module" -am test-compile) >&2
  fi
}

module_classpath() {
  local module="$1"
  printf '%s:%s' "$PROJECT_DIR/$module/target/classes" "$(cat "$PROJECT_DIR/$module/target/classpath.txt")"
}

# JVM flags that suit both a node and the kernel lab, where page faults and syscalls are expensive:
# a fixed heap with a small young generation (few pages touched) and the serial collector. JNR-FFI binds
# libc by reflection instead of generating stub classes at start: the proxier makes a few netlink calls per
# sync, so the faster calls of generated stubs never pay back the half second it takes to make them in the
# kernel lab. LAB_JAVA_OPTS / JAVA_OPTS override.
default_java_opts() {
  local heap="${1:-256m}"
  echo "-XX:+UseSerialGC -Xms$heap -Xmx$heap -Xmn64m -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Djnr.ffi.asm.enabled=false"
}

run_java() {
  local module="$1" main="$2" heap="$3"
  shift 3
  ensure_built "$module"
  # shellcheck disable=SC2046
  exec java ${JAVA_OPTS:-$(default_java_opts "$heap")} -cp "$(module_classpath "$module")" "$main" "$@"
}

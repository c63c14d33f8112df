#!/usr/bin/env bash
# Runs the cmaps benchmarks and turns their results into docs/benchmarks.md. See README.md.
#
#   run.sh build                          install the library, build target/benchmarks.jar
#   run.sh smoke|quick|full [-t 1,2] [-tg R,W] [JMH options...]
#   run.sh footprint [--sizes 0,1] [--sweep 1000..2000] [--out results/footprint.json]
#   run.sh report [results/quick.json]
#
# A profile runs a list of passes, each one JMH invocation over a regular expression:
#   - "all-threads" passes run once per thread count (-t, default 1 and 2),
#   - "max-threads" passes run only with the largest thread count (one thread adds nothing there),
#   - "group" passes run once with the @GroupThreads of each benchmark (or -tg).
# The passes' JSON files are merged into results/PROFILE.json; the footprint goes to
# results/PROFILE-footprint.json and a description of the machine and the commands to
# results/PROFILE-env.properties, which the report reads.
#
# Maven runs through the repository's wrapper (../mvnw; MVN=mvn for another Maven). The library
# is installed into, and the jar built from, the default local repository unless MAVEN_REPO=/path
# is set (passed as -Dmaven.repo.local); MAVEN_ARGS (read by Maven 3.9+, so by the wrapper) and
# MAVEN_OPTS reach every Maven call too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
results="$here/results"
if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; else java="java"; fi
mvn=("${MVN:-$root/mvnw}")
if [[ -n "${MAVEN_REPO:-}" ]]; then mvn+=("-Dmaven.repo.local=$MAVEN_REPO"); fi

latency_profiler="io.github.cmaps.jmh.LatencyProfiler"
# JOL reads object sizes through an agent it attaches to its own JVM; it walks the JDK's maps
# several times faster when their packages are open to it.
footprint_jvm=(-Xmx4g -Djdk.attach.allowAttachSelf=true
               -XX:+IgnoreUnrecognizedVMOptions -XX:+EnableDynamicAgentLoading
               --add-opens java.base/java.util=ALL-UNNAMED
               --add-opens java.base/java.util.concurrent=ALL-UNNAMED
               --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED
               --add-opens java.base/java.util.concurrent.locks=ALL-UNNAMED)
# The footprint sweeps: one doubling each, around a small and a large table.
footprint_sweeps=(--sizes 0,1 --sweep 1000..2000 --sweep 1000000..2000000)

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

build() {
  (cd "$root" && "${mvn[@]}" -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
  (cd "$here" && "${mvn[@]}" -q package)
}

# Builds the jar when it is missing; installs the library first only if the build cannot find it.
ensure_jar() {
  if [[ ! -f "$jar" ]]; then
    echo "== $jar is missing: building it" >&2
    (cd "$here" && "${mvn[@]}" -q package) || build
  fi
}

# Appends key=value to the environment file, escaping backslashes as java.util.Properties needs.
record() {
  local value="${2//\\/\\\\}"
  printf '%s=%s\n' "$1" "${value//$'\n'/ | }" >> "$env_file"
}

describe_machine() {
  : > "$env_file"
  record profile "$profile"
  record date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  record cpu.model "$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
  record cpu.cores "$(nproc 2>/dev/null || echo unknown)"
  record memory "$(grep -m1 '^MemTotal' /proc/meminfo 2>/dev/null | awk '{printf "%.1f GiB", $2/1048576}' || echo unknown)"
  record os "$(uname -srm)"
  record java.version "$("$java" -version 2>&1)"
  record git.commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)')"
  record command "jmh/run.sh $profile${user_args[*]:+ ${user_args[*]}}"
}

# pass KIND REGEX [JMH options...]
pass() {
  local kind="$1" regex="$2"
  shift 2
  local counts=()
  case "$kind" in
    all-threads) counts=("${threads[@]}") ;;
    max-threads) counts=("$(printf '%s\n' "${threads[@]}" | sort -n | tail -1)") ;;
    group) counts=("") ;;
    *) echo "unknown pass kind $kind" >&2; exit 2 ;;
  esac
  local t
  for t in "${counts[@]}"; do
    local part="$results/.$profile-part$((++parts)).json"
    local cmd=("$java" "${host_jvm[@]}" -jar "$jar" "$regex" "${common[@]}" "$@")
    if [[ "$kind" == group ]]; then
      [[ -n "$group_threads" ]] && cmd+=(-tg "$group_threads")
    else
      cmd+=(-t "$t")
    fi
    cmd+=("${jmh_extra[@]}" -rf json -rff "$part")
    local shown="${cmd[*]}"
    record "jmh.pass.$parts" "${shown//$here\//}"
    echo "== pass $parts: ${cmd[*]}" | tee -a "$log"
    "${cmd[@]}" 2>&1 | tee -a "$log"
    part_files+=("$part")
  done
}

# footprint OUT [Footprint options...]: measures with this machine's processor count, then adds
# to OUT the empty, one-entry and 1K..2K maps measured as if on 64 processors (a StripedLockMap's
# default stripe count follows the processor count).
footprint() {
  local out="$1" prev="" arg
  shift
  for arg in "$@"; do [[ "$prev" == --out ]] && out="$arg"; prev="$arg"; done # the last one wins
  local main=io.github.cmaps.jmh.footprint.Footprint
  footprint_run footprint.command "$java" "${footprint_jvm[@]}" -cp "$jar" "$main" --out "$out" "$@"
  footprint_run footprint.command.64 "$java" "${footprint_jvm[@]}" -XX:ActiveProcessorCount=64 \
    -cp "$jar" "$main" --out "$out" --append --sizes 0,1 --sweep 1000..2000
}

# footprint_run ENV_KEY COMMAND...: records, shows and runs one footprint command.
footprint_run() {
  local key="$1"
  shift
  local shown="$*"
  [[ -n "${env_file:-}" ]] && record "$key" "${shown//$here\//}"
  echo "== footprint: $*" | tee -a "${log:-/dev/null}"
  "$@" 2>&1 | tee -a "${log:-/dev/null}"
}

run_profile() {
  profile="$1"
  shift
  user_args=("$@")
  threads=(1 2)
  group_threads=""
  jmh_extra=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -t) IFS=', ' read -r -a threads <<< "$2"; shift 2 ;;
      -tg) group_threads="$2"; shift 2 ;;
      *) jmh_extra+=("$1"); shift ;;
    esac
  done

  ensure_jar
  mkdir -p "$results"
  env_file="$results/$profile-env.properties"
  log="$results/$profile.log"
  : > "$log"
  rm -f "$results/.$profile-part"*.json
  parts=0
  part_files=()
  host_jvm=()
  describe_machine
  local start=$SECONDS

  case "$profile" in
    smoke)
      # A functional check for CI: one very short iteration of one benchmark per workload, for
      # every map, each with a key kind other than Integer. Not a measurement, so it ignores
      # JMH's lock against concurrent runs.
      host_jvm=(-Djmh.ignoreLock=true)
      common=(-f 1 -wi 0 -i 1 -r 200ms -foe true)
      [[ " ${user_args[*]} " == *" -t "* ]] || threads=(2)
      pass max-threads 'ReadHeavyBenchmark\.get$' -p size=1000 -p distribution=ZIPF -p keyKind=UUID_STRING
      pass max-threads 'WriteHeavyBenchmark\.putRemove$' -p size=1000 -p distribution=ZIPF -p keyKind=RECORD
      pass group 'MidResizeBenchmark\.groupGrowthLatency$' -p keyKind=RANDOM_LONG -prof "$latency_profiler"
      footprint "$results/$profile-footprint.json" --sizes 0,1 --sweep 1000..2000
      ;;
    quick)
      # Every workload in under 15 minutes on 2 cores (measured: see README): 160 cells with 8
      # maps, each 3 s of iterations plus 0.5 s (1K) to 7 s (putRemove over 2M keys) of JVM start
      # and setup. One fork, short iterations, Zipf keys, two threads, and the parameters that say
      # the most: get over the realistic key kinds at 1K and 1M (and 64K for the two kinds that
      # differ most there), against the old sequential Integer keys and just past each map's
      # growth threshold; the write paths at two key kinds. The 1M..2M footprint sweep measures
      # the cmaps maps and ConcurrentHashMap only (walking the other maps' graphs took 100 s).
      common=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
      pass max-threads 'ReadHeavyBenchmark\.get$' -p distribution=ZIPF \
          -p keyKind=RANDOM_INTEGER,RANDOM_LONG,UUID_STRING,RECORD -p size=1000,1000000
      pass max-threads 'ReadHeavyBenchmark\.get$' -p distribution=ZIPF \
          -p keyKind=RANDOM_INTEGER,UUID_STRING -p size=65536
      pass max-threads 'ReadHeavyBenchmark\.get$' -p distribution=ZIPF \
          -p keyKind=SEQUENTIAL_INTEGER -p size=1000000
      pass max-threads 'ReadHeavyBenchmark\.get$' -p distribution=ZIPF \
          -p keyKind=UUID_STRING -p size=JUST_PAST_GROWTH
      pass group 'ReadHeavyBenchmark\.groupGetPut95$' -p distribution=ZIPF -p size=1000000 \
          -p keyKind=RANDOM_INTEGER
      pass max-threads 'WriteHeavyBenchmark\.putRemove$' -p distribution=ZIPF -p size=1000,1000000 \
          -p keyKind=RANDOM_INTEGER
      pass max-threads 'WriteHeavyBenchmark\.putRemove$' -p distribution=ZIPF -p size=1000 \
          -p keyKind=RECORD
      pass max-threads 'WriteHeavyBenchmark\.computeIfAbsentPresent$' -p distribution=ZIPF \
          -p size=1000000 -p keyKind=RECORD
      pass max-threads 'WriteHeavyBenchmark\.mergeHotKey$' -p size=1000 -p keyKind=RECORD
      pass group 'MidResizeBenchmark\.groupGrowth$' -p keyKind=RANDOM_INTEGER
      pass group 'MidResizeBenchmark\.groupGrowthLatency$' -p keyKind=RANDOM_INTEGER -prof "$latency_profiler"
      footprint "$results/$profile-footprint.json" --sizes 0,1 --sweep 1000..2000 \
          --sweep 1000000..2000000:ReadWriteLockMap,LockFreeReadMap,StripedLockMap,ConcurrentHashMap
      ;;
    full)
      # Every benchmark and parameter with the forks and iterations annotated on the classes:
      # about 3,900 cells with 8 maps and 2 thread counts, roughly a day. Select with -p (for
      # example -p keyKind=UUID_STRING) to run a part.
      common=()
      pass all-threads 'ReadHeavyBenchmark\.(get|mixed95|mixed90)$'
      pass group 'ReadHeavyBenchmark\.groupGetPut(95|90)$'
      pass all-threads 'WriteHeavyBenchmark\.(putRemove|mergeHotKey|computeIfAbsentPresent)$'
      pass group 'MidResizeBenchmark\.groupGrowth$'
      pass group 'MidResizeBenchmark\.groupGrowthLatency$' -prof "$latency_profiler"
      footprint "$results/$profile-footprint.json" "${footprint_sweeps[@]}"
      ;;
  esac

  "$java" -cp "$jar" io.github.cmaps.jmh.report.MergeResults "$results/$profile.json" "${part_files[@]}"
  rm -f "${part_files[@]}"
  record duration.seconds "$((SECONDS - start))"
  echo "== $profile done in $((SECONDS - start)) s: results/$profile.json, results/$profile-footprint.json"
  echo "== report: jmh/run.sh report results/$profile.json"
}

report() {
  local input="${1:-results/quick.json}"
  shift || true
  # Accept a path relative to the caller's directory or to jmh/.
  if [[ ! -f "$input" && -f "$here/$input" ]]; then input="$here/$input"; fi
  [[ -f "$input" ]] || { echo "no such results file: $input" >&2; exit 1; }
  ensure_jar
  "$java" -Djava.awt.headless=true -cp "$jar" io.github.cmaps.jmh.report.Report "$input" \
    --out "$root/docs/benchmarks.md" --charts "$root/docs/benchmarks" "$@"
}

case "${1:-}" in
  build) build ;;
  smoke|quick|full) run_profile "$@" ;;
  footprint)
    shift
    cd "$here" # --out is relative to jmh/, like the profiles' outputs
    ensure_jar
    mkdir -p "$results"
    footprint "$results/footprint.json" "$@"
    ;;
  report) shift; report "$@" ;;
  *) usage ;;
esac

#!/usr/bin/env bash
#
# Runs the cmaps jcstress suite and grades it.
#
#   jcstress/run.sh [quick|full] [test-regex]
#
#   quick  CI mode: every test in one fork per JVM configuration jcstress adds by itself (two on
#          JDK 17, one on JDK 21+), unified compilation, 3 iterations of 200 ms.
#   full   release mode: jcstress's "default" preset, with every JVM, compilation and stress
#          configuration (1 normal + 5 stress forks each, 5 x 1 s). Hours for the suite.
#
# Builds jcstress/target/jcstress.jar first if it is missing or older than its sources or the
# installed library; the library must be installed (see README.md). Environment:
#   JAVA            java binary to run (default: java on the PATH)
#   JCSTRESS_EXTRA  more jcstress options, e.g. "-c 2"
#   MAVEN_REPO      the local Maven repository to build against, holding the installed library
#                   (default: a -Dmaven.repo.local in MAVEN_ARGS or MAVEN_OPTS, else ~/.m2/repository)
#   MVN             the Maven command (default: the repository's wrapper, ../mvnw)
#   MIN_SAMPLES     a cmaps or ConcurrentHashMap test with fewer samples than this (default
#                   10000) is run once more, since a starved fork proves little; 0 disables this
#
# Exit status: 0 when every cmaps and ConcurrentHashMap test passed; 1 when any of them saw a
# FORBIDDEN outcome or errored, or when fewer tests reported than the filter selects (including
# none); 2 on a usage or set-up error. The HashMap negative controls (tests named
# *.HashMapControl) never fail the run: their INTERESTING outcomes are the evidence that the
# suite reaches the races, and are printed; a control that saw none is reported as a warning.
# The last line has the plain form "jcstress: N passed, M failed".
#
# Writes jcstress/results/<mode>/: the log (log.txt), jcstress's HTML report (html/), its binary
# result file (jcstress-results-*.bin.gz) and a Markdown summary (summary.md); a re-run of
# starved tests goes to retry/ below it. Nothing is written outside jcstress/.

set -euo pipefail

mode="${1:-quick}"
filter="${2:-.*}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/jcstress.jar"
java_bin="${JAVA:-java}"
min_samples="${MIN_SAMPLES:-10000}"

# jcstress loads JNA for CPU affinity; JDK 22+ warns about that unless native access is enabled.
# JDK 17 accepts the flag too.
native="--enable-native-access=ALL-UNNAMED"
case "$mode" in
  quick)
    # -jvmArgs disables jcstress's VM flag probing and so its stress forks (C2 scheduling
    # randomizers); -sc false drops split compilation. jcstress still adds its own
    # -XX:+/-UseBiasedLocking variants on JDKs that have biased locking.
    opts=(-m quick -sc false -iters 3 -time 200 -jvmArgs "-Xmx256m $native")
    ;;
  full)
    opts=(-m default -jvmArgsPrepend "$native")
    ;;
  *)
    echo "usage: $0 [quick|full] [test-regex]" >&2
    exit 2
    ;;
esac
# shellcheck disable=SC2206 # word splitting of the extra options is intended
extra=(${JCSTRESS_EXTRA:-})

# Build the jar when it is missing or older than the module's sources or than the installed
# library jar it shades. The library itself must already be installed (mvn install at the
# repository root).
# The local repository: MAVEN_REPO, else the last -Dmaven.repo.local of MAVEN_ARGS or MAVEN_OPTS.
repo="${MAVEN_REPO:-}"
if [[ -z "$repo" ]]; then
  for arg in ${MAVEN_OPTS:-} ${MAVEN_ARGS:-}; do
    if [[ "$arg" == -Dmaven.repo.local=* ]]; then repo="${arg#-Dmaven.repo.local=}"; fi
  done
fi
mvn=("${MVN:-$here/../mvnw}")
if [[ -n "$repo" ]]; then mvn+=("-Dmaven.repo.local=$repo"); fi
cmaps_version="$(sed -n 's:.*<cmaps.version>\(.*\)</cmaps.version>.*:\1:p' "$here/pom.xml")"
library_jar="${repo:-$HOME/.m2/repository}/io/github/cmaps/cmaps/$cmaps_version/cmaps-$cmaps_version.jar"
inputs=("$here/pom.xml" "$here/src")
[[ -f "$library_jar" ]] && inputs+=("$library_jar")
if [[ ! -f "$jar" || -n "$(find "${inputs[@]}" -newer "$jar" -print -quit)" ]]; then
  echo "building $jar"
  if ! "${mvn[@]}" -q -f "$here/pom.xml" package; then
    echo "error: the build failed; is the library installed? At the repository root:" >&2
    echo "  ./mvnw -q install -DskipTests${repo:+ -Dmaven.repo.local=$repo}" >&2
    exit 2
  fi
fi

out="$here/results/$mode"
rm -rf "$out"
mkdir -p "$out"
tab="$(printf '\t')"

# Runs jcstress on the tests matching $2, in directory $1 (log, report and result blob go there).
run_jcstress() {
  local dir="$1" regex="$2" status
  mkdir -p "$dir"
  set +e
  (cd "$dir" && "$java_bin" "$native" -jar "$jar" "${opts[@]}" "${extra[@]}" -t "$regex" -v \
    -r "$dir/html") > "$dir/log.txt" 2>&1
  status=$?
  set -e
  echo "$status"
}

# Reads $1/log.txt. Its "RUN RESULTS" part lists every test once, with its status and its
# outcomes merged across configurations:
#   .......... [OK] io.github.cmaps.jcstress.GetDuringResize.HashMapControl
#     Results across all configurations:
#       RESULT  SAMPLES  FREQ  EXPECT  DESCRIPTION
#         0, 0  770,835  99.31%  Acceptable  The reader found ...
# Writes $1/overview.tsv (name, status, samples, interesting, forbidden; sorted by name) and
# $1/details.md (each test's outcome table, sorted by name so that a scenario's maps sit
# together; awk tags each line with a sort key, as mawk cannot sort).
summarize() {
  local dir="$1"
  sed -n '/^RUN RESULTS:/,$p' "$dir/log.txt" > "$dir/run-results.txt"
  awk -v overview="$dir/overview.unsorted" '
    function tag(line) { print name "\t" (++seq) "\t" line }
    function close_test() {
      if (name == "") return
      tag("```"); tag("")
      print name "\t" status "\t" total "\t" interesting "\t" forbidden > overview
      name = ""
    }
    function short(n) { sub(/^io\.github\.cmaps\.jcstress\./, "", n); return n }
    function number(s) { gsub(/,/, "", s); return s + 0 }
    BEGIN { printf "" > overview }
    /^\.+ \[[A-Z ]+\] / {
      close_test()
      status = $0; sub(/^\.+ \[/, "", status); sub(/\].*/, "", status); gsub(/ /, "_", status)
      name = $NF; total = 0; interesting = 0; forbidden = 0; table = 0
      tag("### " short(name) " (" status ")"); tag(""); tag("```")
      next
    }
    name != "" && /^  +RESULT +SAMPLES/ { table = 1 }
    name != "" && table && /^ *$/ { table = 0 }
    name != "" && table {
      line = $0; sub(/^  /, "", line); tag(line)
      if (match($0, /  [0-9,]+ +[<0-9.]+% +(Acceptable|Interesting|Forbidden)/)) {
        split(substr($0, RSTART, RLENGTH), f, / +/)
        n = number(f[2]); total += n
        if (f[4] == "Interesting") interesting += n
        if (f[4] == "Forbidden") forbidden += n
      }
    }
    END { close_test() }
  ' "$dir/run-results.txt" | sort -t "$tab" -k1,1 -k2,2n | cut -f3- > "$dir/details.md"
  sort "$dir/overview.unsorted" > "$dir/overview.tsv"
  rm -f "$dir/overview.unsorted"
}

# What the filter selects: the run must report every one of these.
"$java_bin" "$native" -jar "$jar" -l -t "$filter" 2>/dev/null \
  | grep -E '^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)+$' | sort -u > "$out/expected.txt" || true
expected=$(wc -l < "$out/expected.txt")
if [[ "$expected" -eq 0 ]]; then
  echo "FAIL: the filter '$filter' selects no test"
  echo "jcstress: 0 passed, 1 failed"
  exit 1
fi

java_version="$("$java_bin" -version 2>&1 | head -n 1)"
echo "jcstress $mode: $expected tests, options: ${opts[*]} ${extra[*]}"
echo "java: $java_version"
start=$(date +%s)
# jcstress exits non-zero whenever any test fails, negative controls included, so its status
# is not the verdict; the grading below is.
jcstress_status=$(run_jcstress "$out" "$filter")
summarize "$out"
cp "$out/overview.tsv" "$out/final.tsv"

# Re-run, once, the gating tests that a busy machine starved of samples.
thin=$(awk -F "$tab" -v min="$min_samples" \
  '$1 !~ /\.HashMapControl$/ && $3 < min { print $1 }' "$out/overview.tsv")
if [[ -n "$thin" && "$min_samples" -gt 0 ]]; then
  echo "Re-running $(echo "$thin" | wc -l) tests with fewer than $min_samples samples:"
  echo "$thin" | sed 's/^/  /'
  regex="^($(echo "$thin" | sed 's/\./\\./g' | paste -sd '|'))\$"
  run_jcstress "$out/retry" "$regex" > /dev/null
  summarize "$out/retry"
  # Merge: samples add up; a test passes only if it passed in both runs.
  awk -F "$tab" -v OFS="$tab" '
    NR == FNR { s[$1] = $2; n[$1] = $3; i[$1] = $4; f[$1] = $5; next }
    $1 in s {
      $2 = ($2 == "OK" && s[$1] == "OK") ? "OK" : ($2 == "OK" ? s[$1] : $2)
      $3 += n[$1]; $4 += i[$1]; $5 += f[$1]
    }
    { print }
  ' "$out/retry/overview.tsv" "$out/overview.tsv" > "$out/final.tsv"
fi
elapsed=$(( $(date +%s) - start ))

failures=0
warnings=0
ran=$(wc -l < "$out/final.tsv")
while IFS="$tab" read -r name status samples interesting forbidden; do
  if [[ "$name" == *.HashMapControl ]]; then
    if [[ "$status" != "OK" ]]; then
      echo "WARN: negative control $name: $status (an outcome outside its declared broken ones)"
      warnings=$((warnings + 1))
    elif [[ "$interesting" -eq 0 ]]; then
      echo "WARN: negative control $name saw no interesting outcome in $samples samples" \
        "(race not reached; expected for SafePublication on x86, see its Javadoc)"
      warnings=$((warnings + 1))
    fi
  elif [[ "$status" != "OK" ]]; then
    echo "FAIL: $name: $status, $forbidden forbidden of $samples samples"
    failures=$((failures + 1))
  elif [[ "$samples" -lt "$min_samples" ]]; then
    echo "WARN: $name passed on only $samples samples"
    warnings=$((warnings + 1))
  fi
done < "$out/final.tsv"

missing=$(comm -23 "$out/expected.txt" <(cut -f1 "$out/final.tsv"))
missing_count=0
if [[ -n "$missing" ]]; then
  missing_count=$(echo "$missing" | wc -l)
  echo "FAIL: these selected tests did not report a result:"
  echo "$missing" | sed 's/^/  /'
fi

{
  echo "# jcstress run: $mode"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- java: $java_version"
  echo "- hardware: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc) CPUs"
  echo "- jcstress options: ${opts[*]} ${extra[*]}"
  echo "- wall time: ${elapsed} s for $ran tests"
  echo
  echo "| test | status | samples | interesting | forbidden |"
  echo "| --- | --- | ---: | ---: | ---: |"
  sed -E 's/^io\.github\.cmaps\.jcstress\.//; s/^/| `/; s/\t/` | /; s/\t/ | /g; s/$/ |/' "$out/final.tsv"
  echo
  cat "$out/details.md"
  if [[ -f "$out/retry/details.md" ]]; then
    echo "## Re-run of starved tests"
    echo
    cat "$out/retry/details.md"
  fi
} > "$out/summary.md"

echo
echo "Negative controls (HashMap), outcomes across all configurations:"
awk '
  /^### .*HashMapControl/ { show = 1; print ""; print substr($0, 5); next }
  /^#/ { show = 0 }
  show && !/^```/ && !/^ *$/ { print "  " $0 }
' "$out/details.md"

echo
echo "Log: $out/log.txt"
echo "Summary: $out/summary.md"
echo "jcstress $mode: $ran of $expected tests reported in ${elapsed} s; $warnings warnings" \
  "(jcstress's own exit status, which counts the controls: $jcstress_status)"
echo "jcstress: $((ran - failures)) passed, $((failures + missing_count)) failed"
if [[ "$failures" -gt 0 || "$missing_count" -gt 0 ]]; then
  exit 1
fi

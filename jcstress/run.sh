#!/usr/bin/env bash
#
# Runs the cmaps jcstress suite and grades it.
#
#   jcstress/run.sh [quick|full] [test-regex]
#
#   quick  CI mode: every test once per JVM configuration jcstress finds, unified compilation,
#          3 iterations of 200 ms. About 5 s per test on 2 cores (see README.md).
#   full   release mode: jcstress's "default" preset with every JVM, compilation and stress
#          configuration. Minutes per test; hours for the whole suite.
#
# Needs jcstress/target/jcstress.jar (build it: see README.md). JAVA overrides the java binary,
# JCSTRESS_EXTRA adds jcstress options (e.g. JCSTRESS_EXTRA="-c 2").
#
# Exit status: 0 when every cmaps and ConcurrentHashMap test passed; 1 when any of them saw a
# FORBIDDEN outcome or errored, or when fewer tests ran than the filter selects (including none);
# 2 on a usage or set-up error. The HashMap negative controls (tests named *.HashMapControl)
# never fail the run: their INTERESTING outcomes are the evidence that the suite reaches the
# races, and are printed. A control that saw nothing interesting is reported as a warning.
#
# Writes into jcstress/results/<mode>/: jcstress's HTML report, the full log (log.txt) and a
# Markdown summary (summary.md).

set -euo pipefail

mode="${1:-quick}"
filter="${2:-.*}"
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/jcstress.jar"
java_bin="${JAVA:-java}"

case "$mode" in
  quick)
    # -jvmArgs disables jcstress's VM flag probing and so its stress forks (C2 scheduling
    # randomizers); jcstress still adds its own -XX:+/-UseBiasedLocking variants on JDKs that
    # have biased locking, so each test runs in 2 forks on JDK 17 and 1 on JDK 21+.
    opts=(-m quick -sc false -iters 3 -time 200 -jvmArgs "-Xmx256m")
    ;;
  full)
    opts=(-m default)
    ;;
  *)
    echo "usage: $0 [quick|full] [test-regex]" >&2
    exit 2
    ;;
esac
# shellcheck disable=SC2206 # word splitting of the extra options is intended
extra=(${JCSTRESS_EXTRA:-})

if [[ ! -f "$jar" ]]; then
  echo "error: $jar not found; build it first (see jcstress/README.md):" >&2
  echo "  mvn -q install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true" >&2
  echo "  (cd jcstress && mvn -q package)" >&2
  exit 2
fi

out="$here/results/$mode"
rm -rf "$out"
mkdir -p "$out"
log="$out/log.txt"

# What the filter selects: the run must report every one of these.
"$java_bin" -jar "$jar" -l -t "$filter" 2>/dev/null | grep -E '^[A-Za-z_$][A-Za-z0-9_$.]*$' \
  | grep '\.' | sort -u > "$out/expected.txt" || true
expected=$(wc -l < "$out/expected.txt")
if [[ "$expected" -eq 0 ]]; then
  echo "FAIL: the filter '$filter' selects no test" >&2
  exit 1
fi

echo "jcstress $mode: $expected tests, options: ${opts[*]} ${extra[*]}"
echo "java: $("$java_bin" -version 2>&1 | head -n 1)"
start=$(date +%s)
# jcstress exits non-zero whenever any test fails, negative controls included, so its status is
# not the verdict; the grading below is. Run from $out so the result blob lands there too.
set +e
(cd "$out" && "$java_bin" -jar "$jar" "${opts[@]}" "${extra[@]}" -t "$filter" -v -r "$out/html") \
  > "$log" 2>&1
jcstress_status=$?
set -e
elapsed=$(( $(date +%s) - start ))

# The "RUN RESULTS" part of the log lists every test once, with its status and its outcomes
# merged across configurations:
#   .......... [OK] io.github.cmaps.jcstress.GetDuringResize.HashMapControl
#     Results across all configurations:
#       RESULT  SAMPLES  FREQ  EXPECT  DESCRIPTION
#         0, 0  770,835  99.31%  Acceptable  The reader found ...
sed -n '/^RUN RESULTS:/,$p' "$log" > "$out/run-results.txt"
grep -E '^\.+ \[[A-Z ]+\] ' "$out/run-results.txt" \
  | sed -E 's/^\.+ \[([A-Z ]+)\] (.*)$/\1 \2/' | sort -k2 -u > "$out/statuses.txt" || true

ran=$(wc -l < "$out/statuses.txt")
failures=0 # tests graded failed, plus one for missing tests
warnings=0
while read -r status name; do
  if [[ "$name" == *.HashMapControl ]]; then
    if [[ "$status" != "OK" ]]; then
      echo "WARN: negative control $name: $status (an outcome outside its declared broken ones)"
      warnings=$((warnings + 1))
    fi
  elif [[ "$status" != "OK" ]]; then
    echo "FAIL: $name: $status"
    failures=$((failures + 1))
  fi
done < "$out/statuses.txt"

missing=$(comm -23 "$out/expected.txt" <(awk '{print $2}' "$out/statuses.txt" | sort -u))
missing_count=0
if [[ -n "$missing" ]]; then
  missing_count=$(echo "$missing" | wc -l)
  echo "FAIL: these selected tests did not report a result:"
  echo "$missing" | sed 's/^/  /'
fi

# A Markdown summary: an overview line per test, then every test's outcome table merged across
# configurations, both sorted by test name so that each scenario's maps sit together. awk tags
# each output line with a sort key (mawk has no sort of its own).
awk '
  function tag(line) { print name "\t" (++seq) "\t" line }
  function close_test() {
    if (name == "") return
    tag("```")
    tag("")
    overview[name] = "| `" short(name) "` | " status " | " total " | " interesting " | " forbidden " |"
    name = ""
  }
  function short(n) { sub(/^io\.github\.cmaps\.jcstress\./, "", n); return n }
  function number(s) { gsub(/,/, "", s); return s + 0 }
  /^\.+ \[[A-Z ]+\] / {
    close_test()
    status = $0; sub(/^\.+ \[/, "", status); sub(/\].*/, "", status)
    name = $NF; total = 0; interesting = 0; forbidden = 0; table = 0
    tag("### " short(name) " (" status ")")
    tag("")
    tag("```")
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
  END {
    close_test()
    for (t in overview) print t "\t0\t" overview[t] > "/dev/stderr"
  }
' "$out/run-results.txt" 2> "$out/overview.tsv" | sort -t "$(printf '\t')" -k1,1 -k2,2n | cut -f3- \
  > "$out/details.md"
{
  echo "# jcstress run: $mode"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- java: $("$java_bin" -version 2>&1 | head -n 1)"
  echo "- hardware: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), $(nproc) CPUs"
  echo "- jcstress options: ${opts[*]} ${extra[*]}"
  echo "- wall time: ${elapsed} s for $ran tests"
  echo
  echo "| test | status | samples | interesting | forbidden |"
  echo "| --- | --- | ---: | ---: | ---: |"
  sort "$out/overview.tsv" | cut -f3-
  echo
  cat "$out/details.md"
} > "$out/summary.md"

echo
echo "Negative controls (HashMap), outcomes across all configurations:"
awk '
  /^### .*HashMapControl/ { show = 1; print ""; print substr($0, 5); next }
  /^### / { show = 0 }
  show && !/^```/ && !/^ *$/ { print "  " $0 }
' "$out/summary.md"
quiet_controls=$(awk '
  /^### .*HashMapControl/ { if (n != "" && !hit) print n; n = $2; hit = 0; next }
  /^### / { if (n != "" && !hit) print n; n = ""; next }
  n != "" && /Interesting/ && $0 !~ / 0 +0\.00% +Interesting/ { hit = 1 }
  END { if (n != "" && !hit) print n }
' "$out/summary.md")
if [[ -n "$quiet_controls" ]]; then
  echo
  echo "WARN: these controls saw no interesting outcome this run (race not reached; expected for"
  echo "SafePublication on x86, see its Javadoc):"
  echo "$quiet_controls" | sed 's/^/  /'
  warnings=$((warnings + $(echo "$quiet_controls" | wc -l)))
fi

echo
echo "Log: $log"
echo "Summary: $out/summary.md"
echo "jcstress $mode: $ran of $expected tests reported in ${elapsed} s (jcstress exit status" \
  "$jcstress_status, which counts the controls); $warnings control warnings"
# The closing line in the plain "N passed, N failed" form; a control counts as passed.
echo "jcstress: $((ran - failures)) passed, $((failures + missing_count)) failed"
if [[ "$failures" -gt 0 || "$missing_count" -gt 0 || "$ran" -lt "$expected" ]]; then
  exit 1
fi

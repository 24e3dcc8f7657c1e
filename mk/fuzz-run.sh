#!/usr/bin/env bash
# Runs fuzz targets FUZZ_JOBS at a time, each for SECONDS, and writes one
# summary line per target (executions, result) to SUMMARY. A target fails on a
# finding, and also when its run executed no input at all. Called by
# mk/fuzz.mk, which builds the Rust and C++ targets first.
#
#   mk/fuzz-run.sh SECONDS SUMMARY TARGET...
#
# TARGET is rust/<cargo-fuzz target>, go/<Fuzz function> or cpp/<fuzzer>.
# Committed seeds are only read: libFuzzer writes what it finds to
# $FUZZ_DIR/corpus/<lang>/<target> (its first corpus directory) and reads the
# seeds from the second; `go test -fuzz` keeps its corpus in $GOCACHE/fuzz.
# A crash leaves its input where the summary says: rust/fuzz/artifacts/<target>/,
# go/testdata/fuzz/<Fuzz>/ (where `go test` replays it from then on) or
# $FUZZ_DIR/artifacts/cpp/<fuzzer>/.
#
# Targets run FUZZ_JOBS at a time (default: one per core): each engine is one
# process on one core, so on two cores the smoke takes half as long.
#
# Environment: FUZZ_DIR (build/fuzz), FUZZ_TIMEOUT (seconds one input may take,
# 20), FUZZ_GO_WORKERS (1), FUZZ_JOBS (nproc).
set -uo pipefail

seconds=$1 summary=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "${FUZZ_DIR:-build/fuzz}"
fuzz_dir=$(cd "${FUZZ_DIR:-build/fuzz}" && pwd)
libfuzzer_flags=(-max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-20}" -print_final_stats=1)
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null; then
  export ASAN_SYMBOLIZER_PATH
  ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
fi
mkdir -p "$fuzz_dir/logs"

jobs=${FUZZ_JOBS:-$(nproc)}
results="$fuzz_dir/results"
rm -rf "$results"
mkdir -p "$results"

# The number of inputs a finished run executed, from its log.
executions() { # lang log
  if [ "$1" = go ]; then
    grep -o 'execs: [0-9]*' "$2" | tail -n 1 | grep -o '[0-9]*'
  else
    sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1 | grep . ||
      grep -o '^#[0-9]*' "$2" | tail -n 1 | tr -d '#'
  fi
}

# Where a failed run left its input, from its log.
crash_input() { # lang log
  if [ "$1" = go ]; then
    sed -n 's/.*Failing input written to \(.*\)$/go\/\1/p' "$2" | tail -n 1
  else
    sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$2" | tail -n 1
  fi
}

# Runs one target and writes its summary line to $results/<n>.
run() { # n lang target
  local n=$1 lang=$2 target=$3 log="$fuzz_dir/logs/$2-$3.log" rc start=$SECONDS
  local corpus="$fuzz_dir/corpus/$lang/$target"
  mkdir -p "$corpus"
  echo "fuzz: $lang/$target for ${seconds}s (log: ${log#"$root"/})"
  case $lang in
    rust)
      (cd "$root/rust/fuzz" &&
        cargo +nightly fuzz run --debug-assertions -s none "$target" "$corpus" "corpus/$target" -- \
          "${libfuzzer_flags[@]}") >"$log" 2>&1
      ;;
    go)
      (cd "$root/go" &&
        go test -run '^$' -fuzz "^$target\$" -fuzztime "${seconds}s" \
          -parallel "${FUZZ_GO_WORKERS:-1}" .) >"$log" 2>&1
      go_rc=$?
      # go test -fuzz sometimes ends a clean run with "context deadline
      # exceeded" when -fuzztime expires mid-execution: a flaw of the engine,
      # not a finding. A finding always writes its input ("Failing input
      # written to ..."), and still fails; a run that executed nothing fails
      # below.
      if [ "$go_rc" != 0 ] && grep -q "context deadline exceeded" "$log" &&
        ! grep -q "Failing input written" "$log"; then
        echo "fuzz: go test -fuzz stopped at its own deadline with no failing input: not a finding" >>"$log"
        go_rc=0
      fi
      (exit "$go_rc")
      ;;
    cpp)
      mkdir -p "$fuzz_dir/artifacts/cpp/$target"
      "$fuzz_dir/cpp/$target" "${libfuzzer_flags[@]}" \
        -artifact_prefix="$fuzz_dir/artifacts/cpp/$target/" \
        "$corpus" "$root/cpp/fuzz/corpus/$target" >"$log" 2>&1
      ;;
    *)
      echo "fuzz: unknown target $lang/$target" >"$log"
      false
      ;;
  esac
  rc=$?
  local execs result
  execs=$(executions "$lang" "$log")
  if [ "$rc" != 0 ]; then
    result="FAILED (exit $rc)"
    local input
    input=$(crash_input "$lang" "$log")
    [ -n "$input" ] && result="$result, input: ${input#"$root"/}"
  elif ! [[ "${execs:-}" =~ ^[0-9]+$ ]] || [ "$execs" -eq 0 ]; then
    # A clean exit proves nothing by itself: a Go -fuzz pattern that matches
    # no function, or an engine stopped before its first input, also exits 0.
    result="FAILED (no input executed)"
  else
    result=ok
  fi
  printf '%-34s %5ss %12s execs  %s\n' "$lang/$target" "$((SECONDS - start))" "${execs:-?}" "$result" \
    >"$results/$n"
}

n=0
for spec in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  n=$((n + 1))
  run "$n" "${spec%%/*}" "${spec#*/}" &
done
wait

# The summary in the order the targets were given, and the end of the log of
# each failed one.
failed=0
: >"$results/summary"
for i in $(seq 1 "$n"); do
  line=$(cat "$results/$i" 2>/dev/null || echo "target $i: no result")
  echo "$line" >>"$results/summary"
  case $line in
    *FAILED* | *"no result"*)
      failed=$((failed + 1))
      spec=${line%% *}
      echo "fuzz: $spec failed; the end of its log:" >&2
      tail -n 40 "$fuzz_dir/logs/${spec%%/*}-${spec#*/}.log" >&2
      ;;
  esac
done

mkdir -p "$(dirname "$summary")"
mv "$results/summary" "$summary"
rm -rf "$results"
echo
echo "fuzz summary (${seconds}s per target, $jobs at a time; also in $summary):"
cat "$summary"
if [ "$failed" != 0 ]; then
  echo "fuzz: $failed target(s) failed; turn each input into a regression test (see mk/fuzz.mk)" >&2
  exit 1
fi

#!/usr/bin/env bash
# Mutation run over the modules that hold the pinned invariants (pyproject.toml [tool.mutmut]):
# mutmut 3 plants one small bug at a time and runs the tests that reach the mutated function;
# a mutant no test notices "survives". Not part of .ci/run (it takes minutes).
#
#   scripts/mutation.sh            # run (or resume) and print the survivors, counts last
#   scripts/mutation.sh --fresh    # forget earlier results first
#   scripts/mutation.sh show NAME  # the diff of one mutant
#
# The results stay in mutants/ (git-ignored). benchmarks/MUTATION.md records the counts and
# which survivors are equivalent (no test can tell them apart).
set -euo pipefail
cd "$(dirname "$0")/.."
mutmut=(uv run --with "mutmut>=3.3,<4" mutmut)
if [[ "${1:-}" == "show" ]]; then
  exec "${mutmut[@]}" show "$2"
fi
if [[ "${1:-}" == "--fresh" ]]; then
  rm -rf mutants
fi
start=$(date +%s)
# bounded: stops after MUTATION_TIMEOUT seconds (default 840); the next run resumes
timeout "${MUTATION_TIMEOUT:-840}" "${mutmut[@]}" run --max-children "${MUTATION_JOBS:-2}" \
  >/dev/null 2>&1 || echo "stopped after ${MUTATION_TIMEOUT:-840} s (or failed); run again to resume"
echo "surviving mutants (scripts/mutation.sh show NAME for each):"
"${mutmut[@]}" results 2>/dev/null | sed 's/^/  /'
survived=$("${mutmut[@]}" results 2>/dev/null | grep -c ': survived' || true)
untested=$("${mutmut[@]}" results --all true 2>/dev/null | grep -c ': no tests' || true)
total=$("${mutmut[@]}" results --all true 2>/dev/null | grep -c ': ' || true)
echo "mutants: $total, survived: $survived, no test reaches: $untested, $(( $(date +%s) - start )) s"

#!/usr/bin/env bash
# Mutation run over the modules that hold the pinned invariants: mutmut plants one small bug
# at a time in the functions each target's pyproject.toml lists ([tool.mutmut] smm_mutate:
# the core, smm-reports, smm-kpis, smm-files) and runs the tests that reach the mutated
# function; a mutant no test notices "survives". Not part of .ci/run (it takes minutes).
#
#   scripts/mutation.sh            # run (or resume) and print the survivors, counts last
#   scripts/mutation.sh --fresh    # forget earlier results first
#   scripts/mutation.sh --report   # only print what the last runs found
#   scripts/mutation.sh show NAME  # the diff of one mutant
#
# MUTATION_TIMEOUT (seconds, default 840) bounds the whole run; MUTATION_JOBS (default 2)
# sets the parallel test processes; MUTATION_TARGETS (folders) runs only some targets.
# Results stay in each target's mutants/ (git-ignored).
# benchmarks/MUTATION.md records the counts and which survivors are equivalent.
set -euo pipefail
cd "$(dirname "$0")/.."
exec uv run --with "mutmut==3.8.1" python scripts/mutation.py "$@"

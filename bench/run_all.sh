#!/usr/bin/env bash
# Every benchmark of bench/README.md, one after another, from the repository's root:
#   bash bench/run_all.sh            # load benchmarks on SQLite and PostgreSQL, with the read reference
#   bash bench/run_all.sh --db sqlite
# Arguments go to bench/run.py. Exits 1 if any target was missed (each step still runs).
set -u
cd "$(dirname "$0")/.."
status=0
step() { echo; echo "== $*"; "$@" || status=1; }

step python -m pytest bench/test_scoring_speed.py -p no:cacheprovider
step python bench/page_weight.py
if [ "$#" -eq 0 ]; then set -- --db both --read-reference; fi
step python bench/run.py "$@"
step python bench/lighthouse.py
echo
if [ "$status" -eq 0 ]; then echo "run_all: every target met"; else echo "run_all: a target was missed (see above)"; fi
exit "$status"

#!/bin/bash
# Runs a sharded serverless-sim sweep on Slurm to its end: submits the grid as a job array of
# sweep.sbatch (`sbatch --wait`), merges the parts, and while the merge exits with code 3 (the
# break-even refinement needs another round) submits the next round (AFTER=PARTS) and merges
# again. Run it on a login node, from the directory the paths are relative to:
#
#   SHARDS=8 PARAMS="load=0.1..100:log25" deploy/slurm/sweep.sh
#
# Settings: those of sweep.sbatch (passed on to every array task), and
#   OUT         the report folder the merge writes [reports/break-even-sweep]
#   MERGE_ARGS  more arguments of the merge, e.g. "--quiet" or "--format json" []
#   MAX_ROUNDS  give up after this many refinement rounds [100]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export SERVERLESS_SIM=${SERVERLESS_SIM:-serverless-sim}
export SHARDS=${SHARDS:-3}
export PARTS=${PARTS:-reports/break-even-sweep-parts}
OUT=${OUT:-reports/break-even-sweep}
MERGE_ARGS=${MERGE_ARGS:-}
MAX_ROUNDS=${MAX_ROUNDS:-100}

if [ -d "$PARTS" ] && [ -n "$(ls -A "$PARTS")" ]; then
  echo "sweep.sh: $PARTS already holds parts: give an empty PARTS folder (or delete it)" >&2
  exit 1
fi

# Submits round $1 as a job array and waits for every task; sbatch fails if one does.
submit() {
  export ROUND=$1
  if [ "$ROUND" -eq 0 ]; then export AFTER=; else export AFTER=$PARTS; fi
  echo "sweep.sh: round $ROUND: $SHARDS shards" >&2
  if ! sbatch --wait --array="0-$((SHARDS - 1))" "$here/sweep.sbatch"; then
    echo "sweep.sh: a shard of round $ROUND failed: see its serverless-sim-shard-*.log" >&2
    exit 1
  fi
}

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
submit 0
for ((round = 1; round <= MAX_ROUNDS; round++)); do
  status=0
  # shellcheck disable=SC2086 # MERGE_ARGS: several arguments
  "$SERVERLESS_SIM" merge "$OUT" "$PARTS" $MERGE_ARGS 2>"$errors" || status=$?
  case $status in
    0)
      cat "$errors" >&2
      exit 0
      ;;
    3)
      echo "sweep.sh: the break-even refinement needs round $round" >&2
      submit "$round"
      ;;
    *)
      cat "$errors" >&2
      echo "sweep.sh: merge failed (exit $status)" >&2
      exit "$status"
      ;;
  esac
done
echo "sweep.sh: the refinement did not end in $MAX_ROUNDS rounds" >&2
exit 1

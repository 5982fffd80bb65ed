#!/usr/bin/env bash
# Several trainings of one taxonomy at once (one process per seed), as run on a lent GPU machine
# to compare seeds and recipes; prints the wall time of the whole batch and each run's validation
# figures. Needs the [train] extra (torch). Example (the 8-member run of docs/benchmarks.md,
# "Training time"; there 6 runs had --extra-2023 and 2 did not):
#   bench/train_parallel.sh semeval2020 W "41 42 43 44 45 46" --epochs 30 --lr 3e-4 --patience 8 \
#       --si-weight 4 --budget-s 250 --extra-2023
# Options after the seeds go to `python -m propscope.training.train` unchanged
# (add --base DIR for other base weights); DATA defaults to ../shared/data.
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 TAXONOMY WORK_DIR \"SEED ...\" [training options]" >&2
  exit 2
fi
taxonomy=$1 work=$2 seeds=$3
shift 3
data=${DATA:-../shared/data}
python=${PYTHON:-python}
mkdir -p "$work"
start=$(date +%s)
for seed in $seeds; do
  "$python" -m propscope.training.train --data "$data" --taxonomy "$taxonomy" \
    --work "$work/seed$seed" --seed "$seed" "$@" > "$work/seed$seed.log" 2>&1 &
done
wait
echo "$(echo $seeds | wc -w) runs of $taxonomy in $(( $(date +%s) - start )) s wall"
for seed in $seeds; do
  echo "seed $seed: $(grep -h 'done in' "$work/seed$seed.log" | tail -n 1)"
done

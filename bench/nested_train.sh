#!/usr/bin/env bash
# Fully nested cross-validation of technique training (issue 17): every outer fold of both
# taxonomies as its own process, all at once (a lent GPU runs ten MiniLM trainings side by
# side), then the outer-fold mean and sd per taxonomy. Needs the [train] extra (torch).
#   bench/nested_train.sh W [options for python -m propscope.training.nested]
# e.g. on a lent GPU: bench/nested_train.sh /tmp/nested --budget-s 200
#      smoke run on a CPU: bench/nested_train.sh /tmp/nested-smoke --epochs 1 --max-articles 6 --recipe lr=2e-4
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 WORK_DIR [training options]" >&2
  exit 2
fi
work=$1
shift
data=${DATA:-../shared/data}
python=${PYTHON:-python}
k=${K:-5}
mkdir -p "$work"
start=$(date +%s)
for taxonomy in semeval2020 semeval2023; do
  for fold in $(seq 0 $((k - 1))); do
    "$python" -m propscope.training.nested --data "$data" --taxonomy "$taxonomy" --k "$k" \
      --work "$work" --fold "$fold" "$@" > "$work/fold$fold-$taxonomy.log" 2>&1 &
  done
done
wait
echo "$((2 * k)) folds in $(( $(date +%s) - start )) s wall"
for taxonomy in semeval2020 semeval2023; do
  "$python" -m propscope.training.nested --taxonomy "$taxonomy" --k "$k" --work "$work" --summary
done

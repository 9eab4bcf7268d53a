#!/usr/bin/env bash
# Back-to-back throughput of mltutor and PyTorch CPU on one model of each family, same batch,
# optimizer (SGD, lr 0.01), thread count and random data. ONE source for each model: the .py
# file (benches/models/ or questions/models/), which benches/torch_families.py imports and mltutor reads with
# `mltutor import FILE.py --input SHAPE`. Each pair runs back to back, REPEAT times (default 2);
# the table gives every run's samples/s and the median of the ratios.
# Needs the reference set up once:
#   python3 -m venv /tmp/torch-ref && /tmp/torch-ref/bin/pip install torch
# Usage: bash benches/families.sh [python]   (run from the repository root)
#   REPEAT=3 MODES="train" FAMILIES="lstm gru" BIN=path/to/mltutor bash benches/families.sh
set -euo pipefail
py=${1:-/tmp/torch-ref/bin/python}
threads=${RAYON_NUM_THREADS:-2}
repeat=${REPEAT:-2}
modes=${MODES:-train infer}
if [ -z "${BIN:-}" ]; then
  cargo build --release -q
  BIN=./target/release/mltutor
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# family | folder | file | class | input shape of one sample. The course pack's own files
# where they are the model benched (one copy of each model in the repository).
models="
cnn|benches/models|exam_cnn|ExamCNN|3x40x40
mlp|benches/models|mlp|MLP|784
resnet|questions/models|resnet_small|SmallResNet|3x32x32
lstm|questions/models|lstm_text|LSTMClassifier|50
gru|benches/models|conv_gru|ConvGRU|8x50
transformer|benches/models|transformer|TinyTransformer|32
"
rate() { sed -n 's/.*samples_per_s=\([0-9.]*\).*/\1/p' | tail -1; }

echo "| family | model | mode | batch | mltutor samples/s | PyTorch samples/s | ratio (median) |"
echo "|---|---|---|---|---|---|---|"
for row in $models; do
  IFS='|' read -r family dir file class input <<<"$row"
  if [ -n "${FAMILIES:-}" ] && [[ " $FAMILIES " != *" $family "* ]]; then continue; fi
  src=$dir/$file.py
  if ! "$BIN" import "$src" --class "$class" --input "$input" >"$tmp/$file.ron" 2>"$tmp/$file.err"; then
    echo "| $family | $file.py | — | — | not importable: $(grep -v ': note:' "$tmp/$file.err" | head -1 | sed 's/|/\\|/g') | | |"
    continue
  fi
  for mode in $modes; do
    if [ "$mode" = train ]; then batch=64; else batch=256; fi
    ours=() theirs=() ratios=()
    for _ in $(seq "$repeat"); do
      o=$(RAYON_NUM_THREADS=$threads "$BIN" bench --pack "$tmp/$file.ron" --mode "$mode" --batch "$batch" --optimizer sgd 2>/dev/null | rate)
      t=$("$py" benches/torch_families.py "$src" "$mode" --class "$class" --input "$input" --batch "$batch" --optimizer sgd --threads "$threads" 2>/dev/null | rate)
      ours+=("$o") theirs+=("$t")
      ratios+=("$(python3 -c "print(f'{$o/$t:.3f}')")")
    done
    med=$(python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "${ratios[@]}")
    join() { local IFS=/; echo "$*" | sed 's#/# / #g'; }
    echo "| $family | $file.py | $mode | $batch | $(join "${ours[@]}") | $(join "${theirs[@]}") | $med |"
  done
done

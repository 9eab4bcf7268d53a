#!/usr/bin/env bash
# Back-to-back throughput of mltutor and PyTorch's CPU reference on the exam CNN, same
# batch, optimizer and thread count. Needs the reference set up once:
#   python3 -m venv /tmp/torch-ref && /tmp/torch-ref/bin/pip install torch
# Usage: bash benches/compare.sh [python]   (run from the repository root)
set -euo pipefail
py=${1:-/tmp/torch-ref/bin/python}
ref=../shared/bench/torch_reference.py
cargo build --release -q
bin=./target/release/mltutor
threads=${RAYON_NUM_THREADS:-2}
echo "| mode | batch | optimizer | mltutor samples/s | PyTorch samples/s | ratio |"
echo "|---|---|---|---|---|---|"
for spec in "train 32 sgd" "train 64 sgd" "train 256 sgd" "train 64 adamw" "infer 256 sgd"; do
  set -- $spec
  ours=$(RAYON_NUM_THREADS=$threads $bin bench --mode "$1" --batch "$2" --optimizer "$3" 2>/dev/null | tail -1 | sed 's/.*samples_per_s=\([0-9.]*\).*/\1/')
  theirs=$("$py" "$ref" "$1" --batch "$2" --optimizer "$3" --threads "$threads" 2>/dev/null | tail -1 | sed 's/.*samples_per_s=\([0-9.]*\).*/\1/')
  ratio=$(python3 -c "print(f'{$ours/$theirs:.2f}')")
  echo "| $1 | $2 | $3 | $ours | $theirs | $ratio |"
done

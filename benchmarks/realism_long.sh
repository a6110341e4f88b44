#!/usr/bin/env bash
# The long runs of the realism issue on Fashion-MNIST (two lanes on a 2-core machine; each run appends one JSON line
# to benchmarks/results/realism.jsonl with its exact command): 3,560 generator steps each (19 epochs over the 60,000
# training images, a fresh real minibatch for every critic step, so 1.14 M real images):
#   lane A: unguided, then the plain keras.io-style reference (realism_reference.py) for the unguided run's CPU time;
#   lane B: guided toward Sneaker with the combination (balanced weight 3, cap 0.9, augmentations, warm-up 200, EMA 0.999).
# Usage: bash benchmarks/realism_long.sh
set -euo pipefail
cd "$(dirname "$0")/.."
run() { nice ${PY:-python} benchmarks/realism.py run --name "$1" --per-class 6000 --images 1140000 --config "$2" > "runs/realism/$1.log" 2>&1; }
(
  run long_unguided '{"guidance_weight": 0, "fresh_real": true}'
  CPU=$(python -c "import json; print(json.loads(open('runs/realism/runs/long_unguided/curve.jsonl').read().splitlines()[-1])['cpu_seconds'])")
  nice ${PY:-python} benchmarks/realism_reference.py --cpu-seconds "$CPU" --eval-every 60000 > runs/realism/keras_io_reference.log 2>&1
) &
(
  run long_sneaker_combo3 '{"guidance_mode": "balanced", "guidance_weight": 3, "guidance_cap": 0.9, "guidance_augment": true, "guidance_warmup": 200, "ema_beta": 0.999, "fresh_real": true}'
) &
wait

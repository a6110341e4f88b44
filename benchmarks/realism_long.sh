#!/usr/bin/env bash
# The long runs of the realism issue on Fashion-MNIST (two lanes on a 2-core machine; each run appends one JSON line
# to benchmarks/results/realism.jsonl with its exact command): 2,060 generator steps each (11 epochs over the 60,000
# training images, a fresh real minibatch for every critic step, so 660,000 real images). The runs of 2026-11-30 were
# started with --images 1140000 and, to fit the session, stopped at an epoch boundary and resumed with 660000 (the
# run folder resumes from its last backup; the curve's clocks continue).
#   lane A: unguided, then the plain keras.io-style reference (realism_reference.py) for the unguided run's CPU time;
#   lane B: guided toward Sneaker with the combination (balanced weight 3, cap 0.9, augmentations, warm-up 200, EMA 0.999),
#           stopped at 480,000 images (it did not steer: see nbs/10_gan.ipynb), then the same as a conditional GAN.
# Usage: bash benchmarks/realism_long.sh
set -euo pipefail
cd "$(dirname "$0")/.."
run() { nice ${PY:-python} benchmarks/realism.py run --name "$1" --per-class 6000 --images 660000 --config "$2" > "runs/realism/$1.log" 2>&1; }
(
  run long_unguided '{"guidance_weight": 0, "fresh_real": true}'
  CPU=$(python -c "import json; print(json.loads(open('runs/realism/runs/long_unguided/curve.jsonl').read().splitlines()[-1])['cpu_seconds'])")
  nice ${PY:-python} benchmarks/realism_reference.py --cpu-seconds "$CPU" --eval-every 60000 > runs/realism/keras_io_reference.log 2>&1
) &
(
  C3='"guidance_mode": "balanced", "guidance_weight": 3, "guidance_cap": 0.9, "guidance_augment": true, "guidance_warmup": 200, "ema_beta": 0.999, "fresh_real": true'
  nice ${PY:-python} benchmarks/realism.py run --name long_sneaker_combo3 --per-class 6000 --images 480000 --config "{$C3}" > runs/realism/long_sneaker_combo3.log 2>&1
  run long_conditional_combo3 "{\"conditional\": true, $C3}"
) &
wait

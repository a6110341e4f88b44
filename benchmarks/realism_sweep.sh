#!/usr/bin/env bash
# The short runs of the realism issue, two lanes at a time on a 2-core machine (each run appends one JSON line to
# benchmarks/results/realism.jsonl with its exact command; see benchmarks/realism.py):
#   lane A, the training recipe, unguided: one real batch reused for the n_critic critic steps (the old default)
#           against a fresh minibatch per critic step (Algorithm 1), the same number of generator steps (780) each;
#   lane B, guidance toward Sneaker for 75,000 real images: the old default (fixed weight 30), balanced guidance alone
#           (weight 1), and the combination (balanced + cap 0.9 + augmentations + warm-up 200 steps + EMA 0.999), weight 1.
# The combination at weight 3 was measured in the long run instead (realism_long.sh). Usage: bash benchmarks/realism_sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
${PY:-python} benchmarks/realism.py models
run() { nice ${PY:-python} benchmarks/realism.py run --name "$1" --images "$2" --config "$3" > "runs/realism/$1.log" 2>&1; }
COMBO='"guidance_mode": "balanced", "guidance_cap": 0.9, "guidance_augment": true, "guidance_warmup": 200, "ema_beta": 0.999'
(
  run recipe_reuse 50000 '{"guidance_weight": 0}'
  run recipe_fresh 250000 '{"guidance_weight": 0, "fresh_real": true}'
) &
(
  run fixed30 75000 '{"guidance_weight": 30}'
  run balanced1 75000 '{"guidance_mode": "balanced", "guidance_weight": 1}'
  run combo1 75000 "{$COMBO, \"guidance_weight\": 1}"
  run combo10 75000 "{$COMBO, \"guidance_weight\": 10}"
) &
wait

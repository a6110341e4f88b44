"""Benchmark: the cost of a trains GAN's networks, as compiled training steps per second of `train_gan`'s own WGANGP.

Each configuration is the setting of `benchmarks/trains_gan.py run` (76 px, conditional, projection critic on the
guide's labels, guided by the zoo's `trains-classifier`) with the --base JSON, then its own overrides. `train_gan` builds
and compiles each one on --n-train fresh trains (one short epoch, no run folder, no gallery), so the step is exactly a
run's. Then `fit()` times `--steps` generator steps after one untimed step (the steady state: `_timing.StepClock`), the
configurations in turn, `--repeats` times. Ratios are against the first configuration, as the median over repeats of the
ratio within a repeat (blocks close in time share the machine's load). Real images per second = steps/s x batch x
n_critic. Prints one JSON line and appends it to benchmarks/results/trains_gan_step.jsonl (`--no-write`: print only).

Usage:
  python benchmarks/trains_gan_step.py --configs '{"wgc": {}, "wgr": {"generator_upsample": "resize"}}'
"""
import os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json
import numpy as np
from _results import write_line
from _timing import StepClock
from synthview import zoo
from synthview.gan import train_gan, guide_subset
from synthview.trains import make_trains, TRAIN_CLASSES

BASE = {"loss": "logistic", "n_critic": 1, "gp_weight": 0.1, "gp_every": 4, "learning_rate": 0.0002, "generator_learning_rate": 0.0002,
        "guidance_warmup": 0, "guidance_ramp": 0, "ema_beta": 0.999, "generator_widths": [256, 128, 64, 32],
        "critic_widths": [32, 64, 128, 256]}   # ns76_wgc's recipe; guidance on from the first step, as after the warm-up
p = argparse.ArgumentParser()
p.add_argument('--configs', required=True, help='JSON: {name: train_gan overrides}; the first is the reference')
p.add_argument('--base', default=json.dumps(BASE), help='JSON: the train_gan arguments every configuration shares')
p.add_argument('--size', type=int, default=76)
p.add_argument('--n-train', type=int, default=1280, help='fresh trains (make_trains, seed 7)')
p.add_argument('--steps', type=int, default=10, help='timed generator steps per block')
p.add_argument('--repeats', type=int, default=3)
p.add_argument('--no-write', action='store_true')
a = p.parse_args()

configs, base = json.loads(a.configs), json.loads(a.base)
guide = zoo.load('trains-classifier')
data = guide_subset(make_trains(a.n_train, size=a.size, seed=7), guide, list(range(len(TRAIN_CLASSES))))
gans, params, per_step, dss = {}, {}, {}, {}
for name, over in configs.items():
    kw = dict(conditional=True, critic_sees='guide', batch_size=64, seed=0, latent_dim=128, gallery_seeds=0, verbose=0, **base)
    kw.update(over)
    gans[name], _ = train_gan(data, guide, epochs=1, **kw)          # built, compiled and traced as a run's
    params[name] = dict(generator=gans[name].generator.count_params(), critic=gans[name].critic.count_params())
    per_step[name] = kw['batch_size'] * gans[name].n_critic          # real images a step takes (a configuration may change either)
    if per_step[name] not in dss: dss[per_step[name]] = data.to_tf(per_step[name], shuffle=True, seed=0, labels=True, drop_remainder=True, repeat=True)

def steps_per_s(name):
    clock = StepClock(); gans[name].fit(dss[per_step[name]], steps_per_epoch=a.steps + 1, epochs=1, verbose=0, callbacks=[clock])
    return clock.n / (clock.t1 - clock.t0)

res = {k: [] for k in gans}
for _ in range(a.repeats):
    for k in gans: res[k].append(steps_per_s(k))
ref = next(iter(res))
write_line(dict(size=a.size, base=base, configs=configs, reference=ref, steps_per_block=a.steps, repeats=a.repeats,
                real_images_per_step=per_step, params=params,
                generator_steps_per_s={k: round(float(np.median(v)), 3) for k, v in res.items()},
                real_images_per_s={k: round(float(np.median(v)) * per_step[k], 1) for k, v in res.items()},
                ratio_vs_reference={k: round(float(np.median(np.array(v) / np.array(res[ref]))), 3) for k, v in res.items()},
                all_blocks={k: [round(x, 3) for x in v] for k, v in res.items()}), 'trains_gan_step', write=not a.no_write)

"""Zoo: add the trained critic of a generator entry, taken from the training run that made the entry's generator, so the
entry can be trained further (`zoo.load_gan`, `train_gan(..., init=...)`; the demo's short fine-tune).

The run's GAN is rebuilt from its config.json and gan.weights.h5 (the whole WGAN-GP at the end of training; a run stopped
early: its last good checkpoint, checkpoints/last_good.weights.h5, as gan.load_gan_run takes it); the script
checks that the rebuilt generator's weights are the entry's generator's, bit for bit, before it writes
synthview/models/<entry>/critic.keras and records the critic (file, SHA-256, the run it came from) in the entry's card.
Put the printed SHA-256 into zoo.ENTRIES[<entry>]['critic_sha256'] (nbs/13_zoo.ipynb).
Usage: python benchmarks/zoo_critic.py --name fashion-mnist-conditional-gan --run runs/realism/runs/ttur_projection_conditional_w3 --guide fashion-mnist-classifier
"""
import os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, hashlib, json, shlex, sys
from pathlib import Path
import numpy as np
from synthview import zoo
from synthview.core import atomic_write_json, atomic_path
from synthview.gan import load_gan_run

p = argparse.ArgumentParser()
p.add_argument('--name', required=True, help='the generator entry')
p.add_argument('--run', required=True, help="the run folder that trained the entry's generator (config.json, gan.weights.h5)")
p.add_argument('--guide', required=True, help='the zoo classifier that guided it')
a = p.parse_args()
run = Path(a.run)
guide = zoo.load(a.guide)
gan = load_gan_run(run, guide)          # the run's whole GAN: gan.weights.h5, else (a run stopped early) its last good checkpoint
w = gan.weights_file
entry = zoo.load(a.name).generator
same = len(entry.weights) == len(gan.shown_generator().weights) and all(
    np.array_equal(np.asarray(u), np.asarray(v)) for u, v in zip(entry.weights, gan.shown_generator().weights))
if not same: sys.exit(f"{run}'s GAN does not hold the generator of zoo entry {a.name!r}: not its run")
dest = zoo.models_dir()/Path(zoo.ENTRIES[a.name]['file']).parent/'critic.keras'
with atomic_path(dest, suffix='.tmp.keras') as tmp: gan.critic.save(tmp)
sha = hashlib.sha256(dest.read_bytes()).hexdigest()
card = zoo.card(a.name)
card['critic'] = dict(file=dest.name, sha256=sha, bytes=dest.stat().st_size, params=int(gan.critic.count_params()),
                      taken_from=f"{w} (the same run's generator is the entry's, checked bit for bit)",
                      added_by='python ' + shlex.join(sys.argv))
atomic_write_json(dest.parent/'card.json', card)
print(json.dumps(dict(entry=a.name, critic=str(dest), critic_sha256=sha, bytes=dest.stat().st_size)))

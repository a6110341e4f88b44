"""Train a zoo model that no benchmark trains already, into a run folder (resumable: run the same command again after an
interruption), then build its entry with benchmarks/zoo_build.py.

  fashion-mnist-vae: synthview's VAE (build_vae: latent 16, Bernoulli likelihood) on the 60,000 Fashion-MNIST training
                     images with train_vae's recipe (Adam 1e-3, batch 128), --epochs passes.

Usage:
    python benchmarks/zoo_train.py fashion-mnist-vae --epochs 12 --out runs/zoo/fashion-mnist-vae
    python benchmarks/zoo_build.py --name fashion-mnist-vae --kind vae --source runs/zoo/fashion-mnist-vae/zoo_vae.keras \
        --guide fashion-mnist-classifier --oracle fashion-mnist-oracle --trained-by "python benchmarks/zoo_train.py ..."
"""
import os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import argparse, json, platform, shlex, sys, time
from pathlib import Path
from synthview.data import load_fashion_mnist
from synthview.vae import VAE, train_vae, save_vae

p = argparse.ArgumentParser()
p.add_argument('entry', choices=['fashion-mnist-vae'])
p.add_argument('--epochs', type=int, default=12)
p.add_argument('--latent-dim', type=int, default=16)
p.add_argument('--out', required=True, help='run folder (resumed when it holds a run of the same settings)')
a = p.parse_args()

t0, c0 = time.perf_counter(), time.process_time()
train, test = load_fashion_mnist()
vae, hist = train_vae(train, latent_dim=a.latent_dim, epochs=a.epochs, run_dir=a.out, val=test, verbose=2)
# the zoo's file: the networks and settings without the optimiser's state (a third of the size)
save_vae(VAE(vae.encoder, vae.decoder, beta=vae.beta, likelihood=vae.likelihood, seed=vae.seed, name=vae.name), Path(a.out)/'zoo_vae.keras')
print(json.dumps(dict(entry=a.entry, command='python ' + shlex.join(sys.argv), epochs=a.epochs, latent_dim=a.latent_dim,
                      train_images=len(train), images_seen=len(train) * a.epochs,
                      val_loss_last=round(float(hist['val_loss'][-1]), 2) if 'val_loss' in hist else None,
                      wall_seconds_this_call=round(time.perf_counter() - t0, 1), cpu_seconds_this_call=round(time.process_time() - c0, 1),
                      cpus=os.cpu_count(), machine=platform.machine())))

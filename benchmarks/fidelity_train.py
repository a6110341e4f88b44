"""Benchmark helper for issue 15 (explanation fidelity): train the trains classifier (the foundation recipe: 76 x 76,
widths 32-64-128, dropout 0.1, mean+max pooled head) and a VAE of the same trains, each under a wall-clock cap, and
save both for benchmarks/fidelity.py. Appends one JSON line to benchmarks/results/fidelity.jsonl (command, machine,
git commit, test accuracy, seconds).

Usage: nice -n 15 python benchmarks/fidelity_train.py --out /tmp/fid/models [--n 8000] [--epochs 5] [--cap 1020]
       [--vae-n 4000] [--vae-epochs 8] [--vae-cap 540]
"""
import argparse, json, os, platform, subprocess, sys, time
from pathlib import Path
import numpy as np
import keras
from synthview.core import atomic_write_json
from synthview.trains import make_trains
from synthview.classifier import train_classifier, evaluate_classifier
from synthview.vae import train_vae, save_vae

p = argparse.ArgumentParser()
p.add_argument('--out', required=True)
p.add_argument('--n', type=int, default=8000)
p.add_argument('--test', type=int, default=1000)
p.add_argument('--epochs', type=int, default=5)
p.add_argument('--cap', type=float, default=1020, help='seconds at most for the classifier (training stops after the epoch that passes it)')
p.add_argument('--vae-n', type=int, default=4000)
p.add_argument('--vae-epochs', type=int, default=8)
p.add_argument('--vae-cap', type=float, default=540)
p.add_argument('--latent-dim', type=int, default=64)
a = p.parse_args()
out = Path(a.out); out.mkdir(parents=True, exist_ok=True)

class TimeCap(keras.callbacks.Callback):
    "Stop training after the epoch that ends past `cap` seconds."
    def __init__(self, cap): super().__init__(); self.cap, self.t0, self.epochs = cap, time.perf_counter(), 0
    def on_epoch_end(self, epoch, logs=None):
        self.epochs = epoch + 1
        print(f"epoch {epoch + 1}: {time.perf_counter() - self.t0:.0f} s {logs}", flush=True)
        if time.perf_counter() - self.t0 > self.cap: self.model.stop_training = True

t0 = time.perf_counter()
train, test = make_trains(a.n, size=76, seed=0), make_trains(a.test, size=76, seed=12345)
cap = TimeCap(a.cap)
clf, hist = train_classifier(train, build=dict(widths=(32, 64, 128), dropout=0.1, head='pool'), epochs=a.epochs, batch_size=128,
                             val_fraction=0, callbacks=[cap], verbose=0)
t_clf = time.perf_counter() - t0
clf.save(out/'classifier.keras')
ev = evaluate_classifier(clf, test)
print('classifier', ev['accuracy'], ev['per_class_accuracy'], flush=True)
t1 = time.perf_counter()
vcap = TimeCap(a.vae_cap)
vae, vh = train_vae(train.subset(np.arange(min(a.vae_n, len(train)))), latent_dim=a.latent_dim, epochs=a.vae_epochs, batch_size=64,
                    likelihood='gaussian', callbacks=[vcap], verbose=0)
t_vae = time.perf_counter() - t1
save_vae(vae, out/'vae.keras')
rec = vae.reconstruct(test.canonical()[:200])
line = dict(benchmark='fidelity_train', command=' '.join(['python'] + sys.argv), git=subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip(),
            machine=f"{platform.machine()}, {os.cpu_count()} CPUs (shared, nice 15)", train_images=a.n, epochs_run=cap.epochs, epochs_planned=a.epochs,
            test_images=a.test, test_accuracy=round(ev['accuracy'], 4), per_class_accuracy=ev['per_class_accuracy'],
            classifier_seconds=round(t_clf, 1), vae_images=min(a.vae_n, a.n), vae_epochs_run=vcap.epochs, latent_dim=a.latent_dim,
            vae_reconstruction_l1=round(float(np.abs(rec - test.canonical()[:200]).mean()), 4), vae_seconds=round(t_vae, 1), out=str(out))
print(json.dumps(line), flush=True)
with open(Path(__file__).parent/'results'/'fidelity.jsonl', 'a') as f: f.write(json.dumps(line) + '\n')

"""Benchmark: the built-in classifier on the procedural trains (rule-defined TypeA/TypeB/TypeC) on this machine's CPU.

Prints one JSON line (test accuracy on a fresh test set (another seed), seconds per epoch (median), the budget, the command,
machine, git commit and date) and appends it to benchmarks/results/classifier_trains.jsonl (`--no-write`: print only).
Usage: python benchmarks/classifier_trains.py [--size 76] [--n 20000] [--epochs 15] [--widths 32,64,128] [--dropout 0.1]
"""
import argparse, time
import numpy as np
import keras
from synthview.trains import make_trains
from synthview.classifier import build_classifier, train_classifier, evaluate_classifier

p = argparse.ArgumentParser()
p.add_argument('--size', type=int, default=76)
p.add_argument('--n', type=int, default=20000)
p.add_argument('--test', type=int, default=3000)
p.add_argument('--epochs', type=int, default=15)
p.add_argument('--batch-size', type=int, default=128)
p.add_argument('--lr', type=float, default=2e-3)
p.add_argument('--widths', default=None, help='comma-separated conv widths (default: default_widths)')
p.add_argument('--dropout', type=float, default=0.25)
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes


t0 = time.perf_counter()
train, test = make_trains(a.n, size=a.size, seed=0), make_trains(a.test, size=a.size, seed=12345)
gen_s = time.perf_counter() - t0
widths = tuple(int(w) for w in a.widths.split(',')) if a.widths else None
model = build_classifier(train.shape, train.n_classes, widths=widths, dropout=a.dropout)
times = []
class Timer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None): self.t = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None): times.append(time.perf_counter() - self.t)
clf, hist = train_classifier(train, model=model, epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, val_fraction=0,
                             callbacks=[Timer()], verbose=2)
ev = evaluate_classifier(clf, test)
write_line(dict(benchmark='classifier_trains', size=a.size, train_images=a.n, test_images=a.test, epochs=a.epochs,
                      widths=[l.filters for l in model.layers if isinstance(l, keras.layers.Conv2D)][::2], dropout=a.dropout,
                      batch_size=a.batch_size, lr=a.lr, test_accuracy=round(ev['accuracy'], 4),
                      per_class_accuracy=ev['per_class_accuracy'], train_accuracy_last_epoch=round(hist['accuracy'][-1], 4),
                      seconds_per_epoch_median=round(float(np.median(times)), 1), generate_seconds=round(gen_s, 1),
                      total_seconds=round(time.perf_counter() - t0, 1)), 'classifier_trains', not a.no_write)

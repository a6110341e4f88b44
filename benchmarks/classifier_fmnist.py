"""Benchmark: the built-in classifier on Fashion-MNIST (train 60k, test 10k) on this machine's CPU.

Prints one JSON line (test accuracy, seconds per epoch (median), the command, machine, git commit and date) and appends it
to benchmarks/results/classifier_fmnist.jsonl (`--no-write`: print only).
Usage: python benchmarks/classifier_fmnist.py [--epochs 10] [--path FOLDER_WITH_THE_4_GZ_FILES]
"""
import argparse, time
import numpy as np
import keras
from synthview.data import load_fashion_mnist
from synthview.classifier import train_classifier, evaluate_classifier

p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=10)
p.add_argument('--batch-size', type=int, default=128)
p.add_argument('--path', default=None)
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes


train, test = load_fashion_mnist(a.path)
times = []
class Timer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None): self.t = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None): times.append(time.perf_counter() - self.t)
t0 = time.perf_counter()
clf, hist = train_classifier(train, epochs=a.epochs, batch_size=a.batch_size, val_fraction=0, callbacks=[Timer()], verbose=2)
ev = evaluate_classifier(clf, test)
write_line(dict(benchmark='classifier_fmnist', epochs=a.epochs, batch_size=a.batch_size,
                      test_accuracy=round(ev['accuracy'], 4), train_accuracy_last_epoch=round(hist['accuracy'][-1], 4),
                      params=int(clf.model.count_params()), seconds_per_epoch_median=round(float(np.median(times)), 1),
                      total_seconds=round(time.perf_counter() - t0, 1)), 'classifier_fmnist', not a.no_write)

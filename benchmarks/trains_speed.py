"""Benchmark: procedural trains (`synthview.trains.make_trains`), images per second on ONE core.

Pins the process to one CPU and limits every BLAS/OpenMP pool to one thread before NumPy loads, then times
`make_trains(n, size)` (sampling attributes + drawing + boxes, balanced classes) `--repeats` times at 152 and at 76
pixels, each with a fresh seed, after one warm-up call. Prints one JSON line with the median (and min/max) rates,
both per wall-clock second and per second of this process's CPU time (`time.process_time`): on a shared machine
the CPU-time rate is the per-core throughput, the wall-clock one also counts time other processes took the core. The line
(with the command, machine, git commit and date) is appended to benchmarks/results/trains_speed.jsonl (`--no-write`: print only).
Usage: python benchmarks/trains_speed.py [--n 2000] [--repeats 7] [--cpu 0]
"""
import os
for v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS'): os.environ[v] = '1'
import argparse, os, statistics, time

p = argparse.ArgumentParser()
p.add_argument('--n', type=int, default=2000, help='images per repeat')
p.add_argument('--repeats', type=int, default=7, help='timed repeats per size (median reported)')
p.add_argument('--cpu', type=int, default=0, help='CPU to pin to (-1: do not pin)')
p.add_argument('--no-write', action='store_true', help='print the line without appending it to benchmarks/results/')
a = p.parse_args()
from _results import write_line   # the one JSON line every benchmark writes

pinned = None
if a.cpu >= 0 and hasattr(os, 'sched_setaffinity'):
    os.sched_setaffinity(0, {a.cpu}); pinned = a.cpu

from synthview.trains import make_trains

out = dict(benchmark='trains_speed', n=a.n, repeats=a.repeats, threads=1, pinned_cpu=pinned)
for size in (152, 76):
    make_trains(a.n // 4, size=size, seed=12345)   # warm-up: sprite caches, index maps
    wall, cpu = [], []
    for r in range(a.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        make_trains(a.n, size=size, seed=r)
        wall.append(a.n / (time.perf_counter() - t0)); cpu.append(a.n / (time.process_time() - c0))
    out[f'images_per_cpu_s_{size}'] = round(statistics.median(cpu))
    out[f'images_per_s_{size}'] = round(statistics.median(wall))
    out[f'images_per_s_{size}_min_max'] = [round(min(wall)), round(max(wall))]
write_line(out, 'trains_speed', not a.no_write)

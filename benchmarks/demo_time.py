"""Benchmark: `synthview demo` with its defaults, in a subprocess, on this machine; then the generation throughput of
`generate_dataset` from the demo's GAN.

Prints one JSON line: wall and CPU seconds of the demo (all its processes), peak RSS (MB, the largest child), the load
average before and after (other jobs on the machine slow the wall time down; CPU time does not depend on them), the
seconds of each step from the run's config.json, the classifier's test accuracy, the GAN's acceptance at its last
epoch, the frontier and dataset counts; and the throughput of generation: candidates generated and judged per second,
images kept (accepted and written) per second, at the demo's min_confidence and at 0 (every candidate written).
Appends the line to benchmarks/results/demo_time.jsonl (with the command, machine and commit).
Usage: python benchmarks/demo_time.py [--keep DIR] [--gen-images 300] [-- extra demo arguments, e.g. --data fashion-mnist, --train]
"""
import argparse, json, os, platform, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

p = argparse.ArgumentParser()
p.add_argument('--keep', default=None, help='run folder to keep (default: a temporary one, deleted)')
p.add_argument('--gen-images', type=int, default=300, help='images per class for the throughput measurement (0: skip it)')
p.add_argument('demo_args', nargs='*', help='extra arguments for synthview demo (after --)')
a = p.parse_args()

tmp = Path(tempfile.mkdtemp(prefix='synthview-bench-'))
run = Path(a.keep) if a.keep else tmp/'demo'
env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', MPLBACKEND='Agg')

def children_usage():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024      # Linux: ru_maxrss in KiB

load0, (cpu0, _) = os.getloadavg(), children_usage()
t0 = time.perf_counter()
r = subprocess.run(['synthview', 'demo', '--out', str(run), *a.demo_args], capture_output=True, text=True, env=env)
wall = time.perf_counter() - t0
cpu1, peak = children_usage()
load1 = os.getloadavg()
if r.returncode != 0:
    print(json.dumps(dict(benchmark='demo_time', error=r.stderr[-2000:], returncode=r.returncode))); sys.exit(1)

cfg = json.loads((run/'config.json').read_text())
clf = json.loads((run/'classifier'/'metrics.json').read_text())
gal_f = run/'gan'/'gallery'/'index.json'
gal = json.loads(gal_f.read_text()) if gal_f.is_file() else None        # the trains zoo has no generator yet: no GAN step
orc_f = run/'oracle'/'metrics.json'
orc = json.loads(orc_f.read_text()) if orc_f.is_file() else None
fr = json.loads((run/'frontier'/'summary.json').read_text())
ds = json.loads((run/'dataset'/'manifest.json').read_text())
out = dict(benchmark='demo_time', demo_args=a.demo_args, wall_seconds=round(wall, 1), cpu_seconds=round(cpu1 - cpu0, 1),
           peak_rss_mb=round(peak, 0), load_average_before=[round(v, 2) for v in load0], load_average_after=[round(v, 2) for v in load1],
           demo_seconds_own=cfg.get('demo_seconds'), data=cfg['data'].get('description'),
           step_seconds={k: v.get('seconds') for k, v in cfg['steps'].items()}, data_seconds=cfg['data'].get('load_seconds'),
           test_accuracy=clf['test_accuracy'], per_class_accuracy=clf['per_class_accuracy'],
           zoo=cfg.get('zoo'), oracle_test_accuracy=None if orc is None else orc['test_accuracy'],
           oracle_agreement_on_real=None if orc is None else orc['agreement_on_real'],
           gan_last_epoch=None if gal is None else {gal['class_names'][c]: dict(acceptance=gal['epochs'][-1]['acceptance'][i],
                                                                               oracle_agreement=(gal['epochs'][-1].get('oracle_agreement') or [None] * 99)[i],
                                                                               fooling_gap=(gal['epochs'][-1].get('fooling_gap') or [None] * 99)[i])
                                                    for i, c in enumerate(gal['classes'])},
           dataset_acceptance={k: {x: v.get(x) for x in ('rate', 'oracle_agreement', 'fooling_gap')} for k, v in ds['acceptance'].items()},
           dataset_source=ds.get('source'),
           frontier=dict(model=fr.get('model_name'), pairs={' | '.join(q['pair']): q.get('found', 0) for q in fr['pairs']}, errors=len(fr['errors'])),
           dataset=dict(counts=ds['counts'], frontier=ds['frontier'], images_per_second=ds['images_per_second'],
                        candidates_per_second=ds['candidates_per_second']))

if a.gen_images:
    # throughput of generate_dataset alone, from the demo's GAN: at the demo's min_confidence, and keeping everything
    code = '''
import json, os, sys, time, warnings
warnings.simplefilter('ignore')
from synthview.generate import generate_dataset
from synthview.classifier import load_classifier
run, out, n, conf = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
clf = load_classifier(run + '/classifier/classifier.keras')
res = {}
for tag, c in (('demo_confidence', conf), ('keep_all', 0.0)):
    t = time.perf_counter()
    src = run + '/gan' if os.path.isfile(run + '/gan/generator.keras') else run + '/vae'   # the dataset's source in the demo
    g = generate_dataset(src, f"{out}/{tag}", clf, n_per_class=n, min_confidence=c, verbose=0, batch_size=256)
    m = g.manifest
    res[tag] = dict(min_confidence=c, seconds=round(time.perf_counter() - t, 2), images=len(g), candidates=m['candidates'],
                    images_per_second=m['images_per_second'], candidates_per_second=m['candidates_per_second'],
                    acceptance={k: v['rate'] for k, v in m['acceptance'].items()})
print(json.dumps(res))
'''
    g = subprocess.run([sys.executable, '-c', code, str(run), str(tmp/'gen'), str(a.gen_images), str(ds['min_confidence'])],
                       capture_output=True, text=True, env=env)
    out['generation_throughput'] = json.loads(g.stdout.strip().splitlines()[-1]) if g.returncode == 0 else dict(error=g.stderr[-1000:])

from _results import write_line
write_line(out, 'demo_time')
shutil.rmtree(tmp, ignore_errors=True)

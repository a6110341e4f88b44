#!/usr/bin/env python
"""The four widget screenshots of the docs (nbs/images/widget_{interpolator,frontier,gallery,classmap}_lab.png), over
pretrained models, taken in JupyterLab 4 in headless Chromium by the same code as the real-browser test.

The notebook it runs builds each widget on the zoo's Fashion-MNIST models (`fashion-mnist-vae` as decoder and encoder,
`fashion-mnist-classifier` as classifier) and on a real guided-GAN run folder with its gallery; then
`tests/test_widgets_browser.py`'s `open_and_run` and `drive_widgets` make the same moves as the CI test (keys, drags, a
click, each checked in the page) and the screenshots they take after the moves are copied to nbs/images/:
- LatentInterpolator: from the VAE code of a real Sneaker (test image) to that of a real Ankle boot; after the keys it
  stands at the path's 50/50 point ('go to 50/50').
- FrontierExplorer: Sneaker vs Ankle boot, frontier points from 6 pairs of real test images encoded by the VAE; the third
  point selected.
- ClassMapExplorer: the classifier's decisions over the PCA plane of the VAE codes of the test Sandals, Sneakers and Ankle
  boots; after a drag of u, a click on a grid cell and v = 0 typed.
- EpochGalleryViewer: a copy (in a temporary folder) of the run folder `--run` (default
  runs/realism/runs/ttur_subset_sneaker_w3: a 50-epoch WGAN-GP guided toward Sneaker; git-ignored, not in a fresh
  checkout), shown from epoch `--epoch` (default 48) and moved two epochs on.

Run by hand from the repository root, not in CI (it needs what CI does not have):
    . .venv/bin/activate && export KERAS_HOME=/tmp/kh && nice -n 10 python tools/widget_screenshots.py
Needs: the zoo's files (synthview/models), Fashion-MNIST in Keras' cache ($KERAS_HOME/datasets/fashion-mnist; nothing is
downloaded), the run folder, /usr/bin/chromium and the dev extra (jupyterlab, playwright). All screenshots and the
report land in --out (default test-artifacts/widgets-screenshots/); the four PNGs are copied to nbs/images/ unless
--no-copy."""
import argparse, json, shutil, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tests'))
import test_widgets_browser as tb                                    # noqa: E402  (the CI test's notebook and browser code)

DOCS = {'interpolator_after_keys.png': 'widget_interpolator_lab.png', 'frontier_after.png': 'widget_frontier_lab.png',
        'gallery_after.png': 'widget_gallery_lab.png', 'classmap_after.png': 'widget_classmap_lab.png'}

def cells(run: Path, epoch: int) -> list:
    "The notebook's cells: the four widgets over the zoo's Fashion-MNIST VAE and classifier, and the gallery of the run folder `run`."
    return [
        ('markdown', '# synthview widgets over pretrained models\n\nMade by `tools/widget_screenshots.py`.'),
        ('code', "import os\nos.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')\nimport numpy as np\n"
                 "from synthview import zoo\nfrom synthview.core import to_canonical\nfrom synthview.data import load_fashion_mnist\nfrom synthview.widgets import *"),
        ('code', "vae, clf = zoo.load('fashion-mnist-vae'), zoo.load('fashion-mnist-classifier')\n"
                 "_, test = load_fashion_mnist()\n"
                 "names = clf.class_names\n"
                 "SNEAKER, BOOT, SANDAL = names.index('Sneaker'), names.index('Ankle boot'), names.index('Sandal')\n"
                 "def first_clear(c):\n"
                 "    \"The first test image of class c whose VAE code decodes to an image the classifier gives to c with p > 0.9.\"\n"
                 "    idx = np.flatnonzero(test.labels == c)[:50]\n"
                 "    z = vae.encode(to_canonical(test.images[idx]))\n"
                 "    p = clf.probs(np.asarray(vae.decode(z)))[:, c]\n"
                 "    k = int(np.flatnonzero(p > 0.9)[0])\n"
                 "    return int(idx[k]), z[k]\n"
                 "(i0, z0), (i1, z1) = first_clear(SNEAKER), first_clear(BOOT)\n"
                 "print('endpoints: test images', i0, 'and', i1)"),
        ('code', "li = LatentInterpolator(vae, clf, z0, z1, t=0.5)\nli"),
        ('code', "shoes = test.where_class(SNEAKER, BOOT)\n"
                 "fe = FrontierExplorer(vae, clf, shoes, encoder=vae, class_a=SNEAKER, class_b=BOOT, n_pairs=6)\nfe"),
        ('code', "footwear = test.where_class(SANDAL, SNEAKER, BOOT)\n"
                 "cx = ClassMapExplorer(vae, clf, latents=vae.encode(to_canonical(footwear.images)), resolution=48, grid=6)\ncx"),
        ('code', f"gv = EpochGalleryViewer({str(run)!r}, epoch={int(epoch)})\ngv"),
        ('code', "print('synthview-widgets-ready')"),
    ]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--run', default=str(ROOT/'runs/realism/runs/ttur_subset_sneaker_w3'), help='a guided-GAN run folder with its gallery (copied, never modified)')
    p.add_argument('--epoch', type=int, default=48, help='the gallery epoch shown first (moved two epochs on)')
    p.add_argument('--out', default=str(ROOT/'test-artifacts'/'widgets-screenshots'), help='all screenshots and report.json')
    p.add_argument('--no-copy', action='store_true', help='do not copy the four PNGs to nbs/images/')
    p.add_argument('--run-timeout', type=int, default=900, help='seconds for the notebook to run (zoo loading on a busy machine)')
    a = p.parse_args(argv)
    src = Path(a.run)
    if not (src/'gallery').is_dir(): sys.exit(f"widget_screenshots: expected a run folder with a gallery/ folder, got {src}")
    from playwright.sync_api import sync_playwright
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    for old in out.glob('*.png'): old.unlink()
    with tempfile.TemporaryDirectory(prefix='synthview-screens-') as tmp:
        tmp = Path(tmp)
        run = shutil.copytree(src, tmp/'run')
        root = tmp/'root'; root.mkdir()
        (root/'widgets.ipynb').write_text(json.dumps(tb._notebook(cells(run, a.epoch)), indent=1))
        lab, report, t0 = tb.Lab(root, tmp/'home'), {}, time.time()
        try:
            report['server_start_s'] = round(lab.wait_ready(), 1)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=tb.CHROMIUM, headless=True, args=tb.CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={'width': 1400, 'height': 1000})
                    tb.open_and_run(page, f"{lab.url}/{tb.APPS['lab']}/widgets.ipynb?token={lab.token}", lab, out, report, run_timeout=a.run_timeout)
                    tb.drive_widgets(page, 'lab', out, report, gallery_epoch=a.epoch)
                finally: browser.close()
        finally:
            (out/'jupyterlab.log').write_text(lab.tail(200_000))
            lab.stop()
    report['total_s'] = round(time.time() - t0, 1)
    (out/'report.json').write_text(json.dumps(report, indent=1))
    if not a.no_copy:
        for f, d in DOCS.items(): shutil.copyfile(out/f, ROOT/'nbs'/'images'/d)
    print(json.dumps(report))
    print('screenshots in', out, '' if a.no_copy else f"; copied to {ROOT/'nbs'/'images'}: {', '.join(DOCS.values())}")

if __name__ == '__main__': main()

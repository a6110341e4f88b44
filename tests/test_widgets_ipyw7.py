"""The widgets under ipywidgets 7.7 (the notebook's own tests run them under 8): a child Python with ipywidgets 7.7.5 first
on its path builds each of synthview's four widgets on tiny models, headless (no kernel, no browser), and drives their
main callbacks as a front end would (set a control's `.value`, click a button), checking that what each widget shows
is what its function returns, that every tooltip reached the widget (ipywidgets 7.7 drops keywords it does not know,
with a warning this test turns into an error), and that each widget gives Jupyter the widget-view MIME bundle. Under 8
the same checks pass (run this file's CHILD with the installed ipywidgets); the notebook's tests cover 8 at length.

ipywidgets 7.7.5 lives in a `pip install --target` folder (with widgetsnbextension 3.6, jupyterlab_widgets 1.1 and
ipython_genutils, which 7.7 imports), `$SYNTHVIEW_IPYW7` or ~/.cache/synthview/ipywidgets-7.7.5; `.ci/run` installs it:
    pip install --no-deps --target ~/.cache/synthview/ipywidgets-7.7.5 ipywidgets==7.7.5 widgetsnbextension==3.6.10 \\
        jupyterlab_widgets==1.1.11 ipython_genutils==0.2.0
A missing folder FAILS the test; `SYNTHVIEW_SKIP_IPYW7_TESTS=1` skips it locally (CI never sets it)."""
import json, os, subprocess, sys, textwrap
from pathlib import Path
import pytest
from conftest import ROOT

IPYW7 = Path(os.environ.get('SYNTHVIEW_IPYW7') or Path.home()/'.cache'/'synthview'/'ipywidgets-7.7.5')
VERSION7 = '7.7.5'
INSTALL = (f"pip install --no-deps --target {IPYW7} ipywidgets=={VERSION7} widgetsnbextension==3.6.10 jupyterlab_widgets==1.1.11 "
           "ipython_genutils==0.2.0")
SKIP_ENV = 'SYNTHVIEW_SKIP_IPYW7_TESTS'
TIMEOUT_S = 240

# What the child runs. Tiny models: a one-layer tanh decoder of 4-d codes to 16 x 16 images and a one-layer classifier
# of three classes over the pixels; the gallery comes from EpochGallery on an untrained tiny GAN (three "epochs", the
# generator's weights moved between them), so nothing trains.
CHILD = textwrap.dedent('''
    import json, os, sys, tempfile, warnings
    from pathlib import Path
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    warnings.filterwarnings('error', message='Passing unrecognized arguments')    # a keyword this ipywidgets does not know
    import numpy as np
    import ipywidgets as W
    import keras
    from synthview.core import to_uint8, to_canonical, LabelError
    from synthview.data import ImageDataset
    from synthview.classifier import Classifier
    from synthview.gan import GeneratorDecoder, WGANGP, build_generator, build_critic
    from synthview.gallery import EpochGallery, load_gallery
    from synthview.latent import interpolate, find_frontier
    from synthview.widgets import *
    from synthview.widgets import to_png
    out = dict(ipywidgets=W.__version__, ipywidgets_file=W.__file__, checks=[])
    def check(name, ok, detail=''):
        out['checks'].append(name)
        if not ok: raise AssertionError(f"{name}: {detail}")

    def shown(view):
        "The bundle Jupyter gets for the widget: the widget-view MIME type with the container's model id."
        b = view._repr_mimebundle_()
        return b['application/vnd.jupyter.widget-view+json']['model_id'] == view.widget.model_id and 'text/plain' in b

    def tip(w): return getattr(w, 'tooltip', None) if 'tooltip' in w.keys else getattr(w, 'description_tooltip', None)

    keras.utils.set_random_seed(0)
    z_in = keras.Input((4,))
    px = keras.layers.Dense(16 * 16, activation='tanh', kernel_initializer=keras.initializers.RandomNormal(stddev=0.6, seed=1))(z_in)
    dec = GeneratorDecoder(keras.Model(z_in, keras.layers.Reshape((16, 16, 1))(px)))
    net = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Flatten(),
                            keras.layers.Dense(3, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=2))])
    clf = Classifier(net, ['circle', 'square', 'stripe'], output='logits')
    probs_of = lambda z: clf.probs(dec.decode(np.asarray(z, np.float32)[None]))[0]
    z = np.random.default_rng(0).standard_normal((256, 4)).astype(np.float32) * 2
    pred = clf.probs(dec.decode(z)).argmax(1)
    z0, z1 = z[pred == 0][0], z[pred == 1][0]

    # ---- LatentInterpolator: the slider, the path toggle, the 50/50 button, a new random pair, endpoints from images
    li = LatentInterpolator(dec, clf, z0, z1, t=0.0)
    check('interpolator shown', shown(li))
    check('interpolator tooltip', tip(li.controls['t_box']) == 't: type a value, or arrow up / down', tip(li.controls['t_box']))
    for t in (0.25, 0.8):
        li.controls['t'].value = t
        want = probs_of((1 - t) * z0 + t * z1)
        check('interpolator slider', np.allclose(li.value['probs'], want, atol=1e-5) and li.controls['t_box'].value == t, (li.value['probs'], want))
    before = li._image.value
    li.controls['t_box'].value = 0.5                      # the number box moves the slider and the picture
    check('interpolator number box', li.controls['t'].value == 0.5 and li._image.value != before and li.value['t'] == 0.5)
    check('interpolator image', li._image.value == to_png(li.value['image'], li.scale))
    check('interpolator bars', li._bars.text == [f"{q:.3f}" for q in li.value['probs']], li._bars.text)
    check('interpolator frontier', li.frontier_t is not None and not li.controls['jump'].disabled, li._status.value)
    li.controls['jump'].click()
    pa = li.value['probs']
    check('interpolator 50/50 button', li.controls['t'].value == li.frontier_t and abs(pa[0] - pa[1]) < 0.02, pa)
    li.controls['method'].value = 'slerp'
    check('interpolator slerp', li.method == 'slerp' and np.allclose(li.overview.images,
          interpolate(dec, clf, z0, z1, steps=li.steps, method='slerp').images, atol=1e-6))
    li.controls['new_pair'].click()
    check('interpolator new pair', li.controls['source'].value == 'random' and not np.allclose(li.z0, z0) and li.error is None)
    sel = np.concatenate([np.flatnonzero(pred == k)[:10] for k in range(3)])    # ten codes of each class
    zs, ys = z[sel], pred[sel]
    class Lookup:                                         # encode: the code whose decoded image is nearest (the data are decodes)
        images = dec.decode(zs)
        def encode(self, x): return zs[((self.images[None] - np.asarray(x)[:, None]) ** 2).sum((2, 3, 4)).argmin(1)]
    lim = LatentInterpolator(dec, clf, data=ImageDataset(to_uint8(dec.decode(zs)), ys, clf.class_names), encoder=Lookup())
    check('interpolator images source', lim.controls['source'].value == 'images' and (lim.controls['class_a'].value, lim.controls['class_b'].value) == (0, 1)
          and np.allclose(lim.z0, zs[0]) and np.allclose(lim.z1, zs[10]), (lim.controls['class_a'].value, lim.controls['class_b'].value))
    lim.controls['nth_a'].value = 3
    check('interpolator image no.', np.allclose(lim.z0, zs[3]))
    lim.controls['class_a'].value = 2                     # a new class: its image no. 0
    check('interpolator class change', lim.controls['nth_a'].value == 0 and np.allclose(lim.z0, zs[20]) and lim.error is None,
          (lim.controls['nth_a'].value, repr(lim.error)))
    lim.controls['class_a'].value, lim.controls['nth_a'].value = 1, 0   # both ends the same image: refused, in the Output
    check('interpolator refusal', lim.error is not None and 'identical endpoints' in str(lim.error), repr(lim.error))
    lim.controls['nth_a'].value = 2
    check('interpolator recovers', lim.error is None and np.allclose(lim.z0, zs[12]))

    # ---- FrontierExplorer: a search on prior draws, the point slider, a refused search shown in the Output
    fe = FrontierExplorer(dec, clf, class_a=0, class_b=1, n_pairs=6)
    check('frontier shown', shown(fe))
    n = fe.frontier.n_found
    check('frontier found', n >= 2 and fe.controls['point'].max == n - 1, fe._summary.value)
    for pos in range(n):
        fe.controls['point'].value = pos
        i = int(np.flatnonzero(fe.frontier.found)[pos])
        check('frontier point', fe.value['index'] == i and np.allclose(fe.value['probs'], fe.frontier.probs[i]) and
              fe._image.value == to_png(fe.frontier.images[i], int(fe.scale * 1.5)) and fe._path.captions[fe.k].value.startswith('50/50:'))
    fe.controls['class_b'].value = 0
    fe.controls['compute'].click()
    check('frontier refusal', isinstance(fe.error, LabelError) and 'twice' in str(fe.error), repr(fe.error))
    fe.controls['class_b'].value = 2
    fe.controls['compute'].click()
    check('frontier search', fe.error is None and set(fe.frontier.class_b.tolist()) == {2}, repr(fe.error))

    # ---- ClassMapExplorer: sliders, number boxes and the grid of buttons
    cx = ClassMapExplorer(dec, clf, latents=z, resolution=12, grid=4)
    check('classmap shown', shown(cx))
    check('classmap button tooltip', cx.buttons[0][0].tooltip.startswith('u='), cx.buttons[0][0].tooltip)
    cm = cx.cmap
    cx.goto(cm.u[3], cm.v[7])
    check('classmap goto', np.allclose(cx.value['probs'], cm.probs[7, 3], atol=1e-5), (cx.value['probs'], cm.probs[7, 3]))
    img = cx._image.value
    cx.controls['u'].value = cx.plane.u_range[1]
    check('classmap slider', cx._image.value != img and np.isclose(cx.value['u'], cx.plane.u_range[1]))
    cx.controls['v_box'].value = cx.plane.v_range[0]
    check('classmap number box', np.isclose(cx.value['v'], cx.plane.v_range[0]))
    cx.buttons[-1][-1].click()                            # bottom-right: the lowest v, the highest u
    check('classmap button', np.allclose((cx.value['u'], cx.value['v']), (cx.plane.u_range[1], cx.plane.v_range[0])) and cx.error is None)

    # ---- EpochGalleryViewer: the epoch slider and box, the class dropdown, reload
    gan = WGANGP(build_generator((16, 16, 1), latent_dim=8, widths=(16, 8)), build_critic((16, 16, 1), widths=(8, 16)),
                 classifier=clf, target=[0, 1], seed=0)
    run = Path(tempfile.mkdtemp())/'run'
    eg = EpochGallery(run, classes=[0, 1], seeds=24); eg.set_model(gan); eg.on_train_begin()
    for e in range(2):
        eg.on_epoch_end(e)
        for w in gan.generator.weights: w.assign(w + 0.3 * np.random.default_rng(e).standard_normal(w.shape).astype(np.float32))
    gv = EpochGalleryViewer(run)
    check('gallery shown', shown(gv))
    check('gallery box tooltip', tip(gv.controls['epoch_box']) == 'epoch: type a value, or arrow up / down', tip(gv.controls['epoch_box']))
    gal = load_gallery(run)
    for e in gal.epochs:
        for cl in (0, 1):
            gv.controls['epoch'].value = e; gv.controls['cls'].value = cl
            ims, seeds, probs = gal.best(e, cl, gv.n)
            check('gallery epoch and class', gv.value['epoch'] == e and gv.value['cls'] == cl and np.array_equal(gv.value['seeds'], seeds)
                  and gv._cells.shown == len(ims) and gv.controls['epoch_box'].value == e)
    gv.controls['epoch_box'].value = 1
    check('gallery number box', gv.value['epoch'] == 1)
    eg.on_epoch_end(2)                                    # the run writes its third epoch; reload picks it up
    gv.controls['reload'].click()
    check('gallery reload', tuple(gv.controls['epoch'].options) == (1, 2, 3) and gv.value['epoch'] == 3 and gv.error is None,
          gv.controls['epoch'].options)
    out['errors'] = [repr(v.error) for v in (li, lim, fe, cx, gv) if v.error is not None]
    print('IPYW-RESULT ' + json.dumps(out))
''')


def _run_child(pythonpath_first=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', MPLBACKEND='Agg', PYTHONWARNINGS='ignore::DeprecationWarning')
    if pythonpath_first: env['PYTHONPATH'] = os.pathsep.join([str(pythonpath_first)] + [p for p in [env.get('PYTHONPATH')] if p])
    p = subprocess.run([sys.executable, '-c', CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    lines = [l for l in p.stdout.splitlines() if l.startswith('IPYW-RESULT ')]
    assert p.returncode == 0 and lines, f"the widgets failed under {pythonpath_first or 'the installed ipywidgets'}:\n{p.stderr[-6000:]}"
    return json.loads(lines[-1][len('IPYW-RESULT '):])


def _require7():
    "The 7.7.5 folder, or a failure that says how to make it (a skip only when asked for locally)."
    if (IPYW7/f'ipywidgets-{VERSION7}.dist-info').is_dir() and (IPYW7/'ipython_genutils').is_dir(): return
    msg = f"the ipywidgets 7.7 test needs ipywidgets {VERSION7} in {IPYW7} (.ci/run installs it): {INSTALL}"
    if os.environ.get(SKIP_ENV) == '1': pytest.skip(f"{msg} ({SKIP_ENV}=1)")
    pytest.fail(f"{msg}. ({SKIP_ENV}=1 skips this test locally; CI must not set it.)", pytrace=False)


def test_widgets_under_ipywidgets_7():
    _require7()
    r = _run_child(IPYW7)
    assert r['ipywidgets'] == VERSION7 and Path(r['ipywidgets_file']).resolve().is_relative_to(IPYW7.resolve()), r
    assert len(r['checks']) >= 40 and not r['errors'], r


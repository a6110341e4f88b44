"""The widgets in a real browser: a Jupyter server on loopback (a random free port, a token), a notebook that builds
each of synthview's four widgets on tiny models, opened and run in JupyterLab 4 and in Notebook 7, in headless Chromium (Debian's package, driven by
Playwright's Python package; no browser download). Sliders are moved with the keyboard and the mouse, a button of the
class map is clicked, and the test checks that the rendered images (`<img src>`) and the probability text change in
the page, and that no widget reported an error. Screenshots go to test-artifacts/widgets-browser/{lab,notebook}/. The
server (and the kernels it started) are always stopped at the end.

Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) and the dev extra (jupyterlab, notebook,
playwright). Missing either FAILS the test; `SYNTHVIEW_SKIP_BROWSER_TESTS=1` skips it locally (CI never sets it)."""
import json, os, re, secrets, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path
import pytest
from conftest import ROOT

CHROMIUM = os.environ.get('SYNTHVIEW_CHROMIUM', '/usr/bin/chromium')
SKIP_ENV = 'SYNTHVIEW_SKIP_BROWSER_TESTS'
ARTIFACTS = ROOT/'test-artifacts'/'widgets-browser'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run']
RUN_TIMEOUT_S = 300          # all cells (kernel start, TensorFlow import, tiny models, a 3-epoch tiny GAN) on a busy machine
UPDATE_TIMEOUT_S = 30        # one widget update after a key press, a drag or a click

# The notebook the browser runs: each widget on tiny models (nothing trained but a 3-epoch GAN on 32 images for the
# gallery). The decoder maps 4-d codes to 28x28 images through one tanh layer; the classifier is one dense layer over
# the pixels, with weights large enough that its probabilities change visibly along any path.
CELLS = [
    ('markdown', '# synthview widgets in a browser\n\nMade by `tests/test_widgets_browser.py`.'),
    ('code', "import os, tempfile\nos.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')\nimport numpy as np\nimport keras\n"
             "from synthview.gan import GeneratorDecoder\nfrom synthview.classifier import Classifier\n"
             "from synthview.data import ImageDataset\nfrom synthview.gan import train_gan\nfrom synthview.widgets import *"),
    ('code', "keras.utils.set_random_seed(0)\n"
             "z_in = keras.Input((4,))\n"
             "pixels = keras.layers.Dense(28 * 28, activation='tanh', kernel_initializer=keras.initializers.RandomNormal(stddev=0.6, seed=1))(z_in)\n"
             "decoder = GeneratorDecoder(keras.Model(z_in, keras.layers.Reshape((28, 28, 1))(pixels)))\n"
             "net = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),\n"
             "                        keras.layers.Dense(3, kernel_initializer=keras.initializers.RandomNormal(stddev=0.15, seed=2))])\n"
             "clf = Classifier(net, ['circle', 'square', 'stripe'])\n"
             "z0, z1 = np.array([2.0, 0.0, 0.0, 0.0], np.float32), np.array([-2.0, 0.5, 0.0, 0.0], np.float32)"),
    ('code', "li = LatentInterpolator(decoder, clf, z0, z1, t=0.5)\nli"),
    ('code', "fe = FrontierExplorer(decoder, clf, class_a=0, class_b=1, n_pairs=6)\nfe"),
    ('code', "cx = ClassMapExplorer(decoder, clf, resolution=24, grid=6)\ncx"),
    ('code', "imgs = ((np.random.default_rng(0).random((32, 28, 28, 1)) > 0.5) * 255).astype(np.uint8)\n"
             "data = ImageDataset(imgs, np.arange(32) % 3, clf.class_names)\n"
             "run = os.path.join(tempfile.mkdtemp(), 'run')\n"
             "_ = train_gan(data, clf, target=[0, 1], epochs=3, batch_size=16, run_dir=run, generator_widths=(16, 8), critic_widths=(8, 16),\n"
             "              latent_dim=8, gallery_seeds=24, image_summaries=False, verbose=0)\n"
             "gv = EpochGalleryViewer(run, epoch=1)\ngv"),
    ('code', "print('synthview-widgets-ready')"),
]

def _notebook(cells=CELLS) -> dict:
    "A notebook of (kind, source) cells; its last code cell prints 'synthview-widgets-ready' (tools/widget_screenshots.py passes its own)."
    cells = [dict(cell_type=k, id=f'cell{i}', metadata={}, source=s, **({'outputs': [], 'execution_count': None} if k == 'code' else {}))
             for i, (k, s) in enumerate(cells)]
    return dict(cells=cells, metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}},
                nbformat=4, nbformat_minor=5)

def _require():
    "Chromium, Playwright and JupyterLab, or a failure that says what is missing (a skip only when asked for locally)."
    missing = []
    if not os.access(CHROMIUM, os.X_OK): missing.append(f"Chromium at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it)")
    for mod, what in (('playwright.sync_api', 'the playwright Python package'), ('jupyterlab', 'jupyterlab'), ('notebook', 'notebook (7)')):
        try: __import__(mod)
        except ImportError: missing.append(f"{what} (pip install -e \".[dev]\")")
    if missing:
        msg = 'the real-browser widget test needs ' + '; '.join(missing)
        if os.environ.get(SKIP_ENV) == '1': pytest.skip(f"{msg} ({SKIP_ENV}=1)")
        pytest.fail(f"{msg}. ({SKIP_ENV}=1 skips this test locally; CI must not set it.)", pytrace=False)

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _get(url, token, timeout=5):
    req = urllib.request.Request(url, headers={'Authorization': f'token {token}'})
    with urllib.request.urlopen(req, timeout=timeout) as r: return r.status, r.read()

def _marked_pids(marker: str) -> list:
    "Processes whose environment carries this test's marker: the server and the kernels it started (and nothing else)."
    pids = []
    if not Path('/proc').is_dir(): return pids
    for d in Path('/proc').iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid(): continue
        try: env = (d/'environ').read_bytes()
        except OSError: continue
        if marker.encode() in env: pids.append(int(d.name))
    return pids

class Lab:
    "A JupyterLab server in its own process group, with its own config, data, runtime and settings folders."
    def __init__(self, root: Path, home: Path):
        self.root, self.port, self.token = root, _free_port(), secrets.token_hex(16)
        self.marker = f"SYNTHVIEW_BROWSER_TEST_RUN={secrets.token_hex(8)}"
        for d in ('config', 'data', 'runtime', 'ipython', 'workspaces'): (home/d).mkdir(parents=True, exist_ok=True)
        settings = home/'settings'
        for path, value in {'@jupyterlab/apputils-extension/notification.jupyterlab-settings': {'fetchNews': 'false', 'checkForUpdates': False},
                            '@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none', 'autoStartDefaultKernel': True}}.items():
            (settings/path).parent.mkdir(parents=True, exist_ok=True); (settings/path).write_text(json.dumps(value))
        env = {k: v for k, v in os.environ.items() if k not in ('IN_TEST', 'JUPYTER_PATH')}
        env.update(JUPYTER_CONFIG_DIR=str(home/'config'), JUPYTER_DATA_DIR=str(home/'data'), JUPYTER_RUNTIME_DIR=str(home/'runtime'),
                   IPYTHONDIR=str(home/'ipython'), JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(home/'workspaces'),
                   PATH=os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', ''), TF_CPP_MIN_LOG_LEVEL='2', PYTHONUNBUFFERED='1')
        k, v = self.marker.split('=')
        env[k] = v
        self.log = open(home/'jupyterlab.log', 'w')
        self.log_path = home/'jupyterlab.log'
        self.proc = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={self.port}',
                                      '--ServerApp.port_retries=0', f'--IdentityProvider.token={self.token}', f'--ServerApp.root_dir={root}',
                                      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
                                     + (['--allow-root'] if os.geteuid() == 0 else []),   # CI containers run as root
                                     cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=120):
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None: raise AssertionError(f"jupyter lab exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if _get(f"{self.url}/api/status", self.token)[0] == 200: return time.time() - t0
            except OSError: pass
            time.sleep(0.5)
        raise AssertionError(f"jupyter lab did not answer on {self.url} within {timeout} s:\n{self.tail()}")

    def tail(self, n=4000) -> str:
        if not self.log.closed: self.log.flush()
        return self.log_path.read_text(errors='replace')[-n:]

    def stop(self):
        "Ask the server to shut down (it stops its kernels), then make sure: SIGTERM, SIGKILL, and any marked process left."
        try:
            req = urllib.request.Request(f"{self.url}/api/shutdown", method='POST', headers={'Authorization': f'token {self.token}'})
            urllib.request.urlopen(req, timeout=5).read()
        except OSError: pass
        try: self.proc.wait(15)
        except subprocess.TimeoutExpired:
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try: os.killpg(self.proc.pid, sig)
                except ProcessLookupError: break
                try: self.proc.wait(wait); break
                except subprocess.TimeoutExpired: pass
        for pid in _marked_pids(self.marker):
            try: os.kill(pid, signal.SIGKILL)
            except ProcessLookupError: pass
        self.log.close()

APPS = {'lab': 'lab/tree', 'notebook': 'notebooks'}     # JupyterLab 4 and Notebook 7, served by the same server

@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    _require()
    tmp = tmp_path_factory.mktemp('jupyter')
    root = tmp/'root'; root.mkdir()
    for app in APPS: (root/f'widgets_{app}.ipynb').write_text(json.dumps(_notebook(), indent=1))   # one kernel each
    server = Lab(root, tmp/'home')
    try:
        server.startup_s = server.wait_ready()
        yield server
    finally:
        server.stop()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS/'jupyterlab.log').write_text(server.tail(200_000))
    assert not _marked_pids(server.marker), 'processes of the JupyterLab server were left running'

def _texts(page, sel): return page.locator(sel).all_inner_texts()

def _src(page, sel): return page.locator(sel).first.get_attribute('src') or ''

def _wait_change(page, sel, old, what, attr='src'):
    "Wait until the first element matching sel has a different src (attr='src') or text (attr='text') than `old`."
    js = ("([s, o]) => { const e = document.querySelector(s); return !!e && (e.getAttribute('src') || '') !== o; }" if attr == 'src' else
          "([s, o]) => { const e = [...document.querySelectorAll(s)].map(x => x.innerText).join('|'); return e.length > 0 && e !== o; }")
    try: page.wait_for_function(js, arg=[sel, old], timeout=UPDATE_TIMEOUT_S * 1000)
    except Exception as e: raise AssertionError(f"{what}: {sel} did not change within {UPDATE_TIMEOUT_S} s") from e

def _handle_box(page, sel):
    "The on-screen box of a slider's handle, scrolled into view first (mouse events go to viewport coordinates)."
    loc = page.locator(sel).first
    loc.scroll_into_view_if_needed()
    return loc.bounding_box()

def _run_all(page, tries=3):
    "Run > Run All Cells from the menu, as a user would; again only if no cell was queued (never runs the cells twice)."
    started = "() => [...document.querySelectorAll('.jp-InputPrompt')].some(e => /\\[(\\*|\\d+)\\]/.test(e.innerText))"
    for k in range(tries):
        page.locator('.lm-MenuBar-itemLabel', has_text=re.compile(r'^Run$')).click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        try:
            page.wait_for_function(started, timeout=30_000)
            return k + 1
        except Exception:
            if page.evaluate(started): return k + 1
    raise AssertionError(f"Run All Cells started no cell in {tries} tries")

def open_and_run(page, url, lab, out, report, run_timeout=RUN_TIMEOUT_S):
    "Open the notebook at url, wait for its kernel, Run All Cells, wait for the ready mark, check no cell raised, screenshot each widget (*_before.png)."
    page.goto(url, timeout=120_000)
    page.locator('.jp-NotebookPanel .jp-Cell').first.wait_for(timeout=120_000)
    # the kernel is connected and idle: the toolbar names it, and its execution indicator reads idle after connecting
    ready = ("() => [...document.querySelectorAll('.jp-Toolbar-kernelName')].some(e => e.innerText.includes('ipykernel')) && "
             "[...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')].some(e => e.getAttribute('data-status') === 'idle')")
    try: page.wait_for_function(ready, timeout=120_000)
    except Exception:
        if page.locator('.jp-Dialog').count(): page.locator('.jp-Dialog .jp-mod-accept').click()   # a kernel dialog: the preferred kernel
        page.wait_for_function(ready, timeout=60_000)
    time.sleep(1)                     # JupyterLab shows 'idle' once before it connects: let a connecting kernel say so
    page.wait_for_function(ready, timeout=60_000)
    report['run_all_tries'] = _run_all(page)
    t_run = time.time()
    try: page.wait_for_function("() => [...document.querySelectorAll('.jp-OutputArea-output')].some("
                                "e => e.innerText.includes('synthview-widgets-ready') || e.innerText.includes('Traceback'))",
                                timeout=run_timeout * 1000)
    except Exception as e:
        page.screenshot(path=str(out/'failed_run.png'))
        raise AssertionError(f"the notebook did not finish within {run_timeout} s; server log:\n{lab.tail()}") from e
    report['run_all_s'] = round(time.time() - t_run, 1)
    print('run all:', report, flush=True)
    page.screenshot(path=str(out/'after_run_all.png'))
    errors = [t for t in _texts(page, '.jp-OutputArea-output') if 'Traceback' in t or 'Error' in t.split('\n')[0]]
    assert not errors, f"the notebook raised:\n{errors[0][:3000]}"
    for w in ('interpolator', 'frontier', 'classmap', 'gallery'):
        page.locator(f'.synthview-{w}').wait_for(timeout=60_000)
        page.wait_for_function("s => { const i = document.querySelector(s); return !!i && i.complete && i.naturalWidth > 0; }",
                               arg=f'.synthview-{w} img.sv-main' if w != 'gallery' else '.synthview-gallery img.sv-track', timeout=60_000)
        page.locator(f'.synthview-{w}').screenshot(path=str(out/f'{w}_before.png'))

def drive_widgets(page, app, out, report, gallery_epoch=1):
    """The interactions a user makes on each widget (keys, drags, a click), each checked in the page; screenshots *_after*.png in out.
    The gallery starts at `gallery_epoch` (the notebook's `EpochGalleryViewer(..., epoch=...)`) and is moved two epochs on."""
    status = lambda S: page.locator(f'{S} .sv-status').first.inner_text()
    def wait_status(S, text, what):
        try: page.wait_for_function("([s, t]) => document.querySelector(s).innerText.includes(t)", arg=[f'{S} .sv-status', text],
                                    timeout=UPDATE_TIMEOUT_S * 1000)
        except Exception as e: raise AssertionError(f"{what}: the status never read {text!r}; it reads {status(S)!r}") from e
    def type_into(S, k, text):
        "Select the k-th number box of widget S and type `text` (real key presses)."
        box = page.locator(f'{S} .sv-box input').nth(k)
        box.focus()
        page.keyboard.press('Control+a'); page.keyboard.type(text)
        got = box.input_value()
        assert got == text, f"typed {text!r} into number box {k} of {S}, the box reads {got!r}"
    keys = report['keyboard'] = {}

    # 1. LatentInterpolator
    S = '.synthview-interpolator'
    img0, probs0 = _src(page, f'{S} img.sv-main'), '|'.join(_texts(page, f'{S} .sv-prob'))
    assert 't = 0.500' in status(S), status(S)
    if app == 'lab':      # the slider's own keys: JupyterLab lets them through (Notebook 7's shortcuts take them)
        page.locator(f'{S} .sv-t .noUi-handle').focus()
        for _ in range(10): page.keyboard.press('ArrowRight')
        wait_status(S, 't = 0.600', 'interpolator after ArrowRight x 10 on the slider')
        page.keyboard.press('End')
        wait_status(S, 't = 1.000', 'interpolator after End on the slider')
        keys['slider_arrows'] = True
    else:
        page.locator(f'{S} .sv-box input').first.focus()
        page.keyboard.press('Control+a'); page.keyboard.type('1')
        wait_status(S, 't = 1.000', 'interpolator after typing 1 in the t box')
    _wait_change(page, f'{S} img.sv-main', img0, 'interpolator image after moving t from 0.5 to 1')
    _wait_change(page, f'{S} .sv-prob', probs0, 'interpolator probabilities after moving t from 0.5 to 1', attr='text')
    probs1, img1 = '|'.join(_texts(page, f'{S} .sv-prob')), _src(page, f'{S} img.sv-main')
    report['interpolator'] = dict(probs_t050=probs0, probs_t100=probs1)
    # the number box, in any front end: arrow keys step it, typing sets it
    page.locator(f'{S} .sv-box input').first.focus()
    page.keyboard.press('ArrowDown'); page.keyboard.press('ArrowDown')
    wait_status(S, 't = 0.980', 'interpolator after ArrowDown x 2 in the t box')
    type_into(S, 0, '0.2')
    wait_status(S, 't = 0.200', 'interpolator after typing 0.2 in the t box')
    _wait_change(page, f'{S} .sv-prob', probs1, 'interpolator probabilities after typing 0.2', attr='text')
    assert _src(page, f'{S} img.sv-main') != img1
    report['interpolator']['probs_t020'] = '|'.join(_texts(page, f'{S} .sv-prob'))
    # Tab to 'go to 50/50', Enter: the slider goes to the 50/50 point the status names
    page.keyboard.press('Tab'); page.keyboard.press('Enter')
    t_half = re.search(r'at t = ([0-9.]+)', status(S)).group(1)
    wait_status(S, f't = {t_half}:', 'interpolator after Tab, Enter on "go to 50/50"')
    keys['box_arrows_typing_tab_enter'] = True
    page.locator(S).screenshot(path=str(out/'interpolator_after_keys.png'))
    # ... and the mouse: drag the handle to the left
    h = _handle_box(page, f'{S} .sv-t .noUi-handle')
    img2, probs2 = _src(page, f'{S} img.sv-main'), '|'.join(_texts(page, f'{S} .sv-prob'))
    page.mouse.move(h['x'] + h['width'] / 2, h['y'] + h['height'] / 2); page.mouse.down()
    page.mouse.move(h['x'] - 100, h['y'] + h['height'] / 2, steps=15); page.mouse.up()
    _wait_change(page, f'{S} img.sv-main', img2, 'interpolator image after a mouse drag')
    _wait_change(page, f'{S} .sv-prob', probs2, 'interpolator probabilities after a mouse drag', attr='text')
    # the drag sent many values; the throttle renders the last one: the status ends at the slider's readout
    readout = page.locator(f'{S} .sv-t .widget-readout').first.inner_text().strip()
    wait_status(S, f't = {readout}0:', 'interpolator after the drag (the last value rendered)')
    report['interpolator']['after_drag'] = dict(readout=readout, probs='|'.join(_texts(page, f'{S} .sv-prob')))
    page.locator(S).screenshot(path=str(out/'interpolator_after_drag.png'))

    # 2. FrontierExplorer: the point box (and in JupyterLab the slider), keyboard
    S = '.synthview-frontier'
    n_points = int(float(page.locator(f'{S} .sv-point .noUi-handle').get_attribute('aria-valuemax') or 0)) + 1
    report['frontier_points'] = n_points
    assert n_points >= 3, f"the frontier search found {n_points} points on the test's models"
    img0 = _src(page, f'{S} img.sv-main')
    page.locator(f'{S} .sv-box input').first.focus(); page.keyboard.press('ArrowUp')
    wait_status(S, f'point 2 of {n_points}', 'frontier after ArrowUp in the point box')
    _wait_change(page, f'{S} img.sv-main', img0, 'frontier image after ArrowUp in the point box')
    if app == 'lab':
        img1 = _src(page, f'{S} img.sv-main')
        page.locator(f'{S} .sv-point .noUi-handle').focus(); page.keyboard.press('ArrowRight')
        wait_status(S, f'point 3 of {n_points}', 'frontier after ArrowRight on the point slider')
        _wait_change(page, f'{S} img.sv-main', img1, 'frontier image after ArrowRight on the point slider')
    page.locator(S).screenshot(path=str(out/'frontier_after.png'))

    # 3. ClassMapExplorer: drag the u slider with the mouse, click a button of the grid, type v
    S = '.synthview-classmap'
    img0, probs0, map0 = _src(page, f'{S} img.sv-main'), '|'.join(_texts(page, f'{S} .sv-prob')), _src(page, f'{S} img.sv-map')
    h = _handle_box(page, f'{S} .sv-u .noUi-handle')
    page.mouse.move(h['x'] + h['width'] / 2, h['y'] + h['height'] / 2); page.mouse.down()
    page.mouse.move(h['x'] + 140, h['y'] + h['height'] / 2, steps=15); page.mouse.up()
    _wait_change(page, f'{S} img.sv-main', img0, 'class-map image after dragging u')
    _wait_change(page, f'{S} .sv-prob', probs0, 'class-map probabilities after dragging u', attr='text')
    _wait_change(page, f'{S} img.sv-map', map0, 'class-map marker after dragging u')
    cell = page.locator(f'{S} .sv-grid button').nth(0)
    cu, cv = map(float, re.search(r'u=(-?[0-9.]+), v=(-?[0-9.]+)', cell.get_attribute('title') or '').groups())
    cell.click()
    # the click has landed when the status names the cell's point (and so do the number boxes): until then a
    # typed value could be overwritten by the click's own update still on its way to the page
    try: page.wait_for_function(
            "([s, u, v]) => { const m = /u = (-?[0-9.]+), v = (-?[0-9.]+)/.exec(document.querySelector(s).innerText);"
            " return !!m && Math.abs(+m[1] - u) < 0.006 && Math.abs(+m[2] - v) < 0.006; }",
            arg=[f'{S} .sv-status', cu, cv], timeout=UPDATE_TIMEOUT_S * 1000)
    except Exception as e: raise AssertionError(f"class map after clicking the cell at u={cu}, v={cv}: the status reads {status(S)!r}") from e
    page.wait_for_function("([s, v]) => Math.abs(+document.querySelectorAll(s)[1].value - v) < 0.006",
                           arg=[f'{S} .sv-box input', cv], timeout=UPDATE_TIMEOUT_S * 1000)
    type_into(S, 1, '0')
    wait_status(S, 'v = 0.000', 'class map after typing 0 in the v box')
    page.locator(S).screenshot(path=str(out/'classmap_after.png'))

    # 4. EpochGalleryViewer: the epoch box (and in JupyterLab the slider); the summary and the curve's marker follow
    S = '.synthview-gallery'
    curve0 = _src(page, f'{S} img.sv-track')
    assert f'epoch {gallery_epoch}' in status(S), status(S)
    page.locator(f'{S} .sv-box input').first.focus(); page.keyboard.press('ArrowUp')
    wait_status(S, f'epoch {gallery_epoch + 1}', 'gallery after ArrowUp in the epoch box')
    _wait_change(page, f'{S} img.sv-track', curve0, 'acceptance-curve marker after ArrowUp in the epoch box')
    if app == 'lab':
        page.locator(f'{S} .sv-epoch .noUi-handle').focus(); page.keyboard.press('ArrowRight')
        wait_status(S, f'epoch {gallery_epoch + 2}', 'gallery after ArrowRight on the epoch slider')
    page.locator(S).screenshot(path=str(out/'gallery_after.png'))

    # no widget reported an error in its Output; the page as a whole
    outs = [t for t in _texts(page, '.sv-output') if t.strip()]
    assert not outs, f"a widget reported: {outs}"
    page.screenshot(path=str(out/'page.png'))

@pytest.mark.parametrize('app', list(APPS))
def test_widgets_in_browser(lab, app):
    from playwright.sync_api import sync_playwright
    out = ARTIFACTS/app
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob('*.png'): old.unlink()
    t0, report = time.time(), {'server_start_s': round(lab.startup_s, 1)}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={'width': 1400, 'height': 1000})
            console_errors = []
            page.on('console', lambda m: console_errors.append(m.text) if m.type == 'error' else None)
            open_and_run(page, f"{lab.url}/{APPS[app]}/widgets_{app}.ipynb?token={lab.token}", lab, out, report)
            drive_widgets(page, app, out, report)
            report['console_errors'] = console_errors[:20]
        finally:
            browser.close()
    report['app'], report['browser_s'] = app, round(time.time() - t0, 1)
    (out/'report.json').write_text(json.dumps(report, indent=1))
    print(json.dumps(report))

"""The trains classifiers, oracle, VAE and conditional guided WGAN-GP of the zoo, trained on an accelerator (or, slowly, on a CPU).

Two steps, because the lent accelerator (an NVIDIA H200) has no TensorFlow, and TensorFlow with its CUDA libraries is far
larger than what may travel there; Keras 3 itself is backend-neutral, so the same `.keras` models train there under
Keras' JAX backend:

1. `init` (here, TensorFlow): builds the untrained models with synthview's own builders (`build_classifier`,
   `build_oracle`) and saves them as `.keras` files.
2. `train` (there, `KERAS_BACKEND=jax`; or here with TensorFlow): makes fresh procedural trains with `synthview.trains`
   (pure NumPy), trains each model with `train_classifier`'s recipe (Adam, linear warm-up then cosine decay to 0,
   sparse cross-entropy on logits) inside a time budget, evaluates it on fresh test trains of another seed, and writes
   each trained model and one JSON line per model as soon as it is done (so a run cut short keeps what finished).

The number of epochs is chosen by a short timed probe (after compilation) so that each model fits its budget; the
schedule then runs to 0 over exactly those epochs.

3. `wrap` (here, TensorFlow): turns the trained files in --out into synthview's own: a `Classifier` (with its class
   names) for each classifier and the oracle, a `VAE` from the encoder and decoder; benchmarks/zoo_build.py then makes
   the zoo entries from them.

The GAN (`gan76`; `gan76s` is a tiny one to try the path on a CPU; `gan76n` and `gan76sn` are the same with the type
also in every generator norm layer, build_generator's conditioning='norm'): synthview's `WGANGP.train_step` is TensorFlow, so
`train` runs a JAX port of it, benchmarks/gan_jax.py (train_gan's recipe: conditional on the three types, projection
critic on the guide's labels of the real trains, 2 critic steps per generator step each on a fresh real minibatch,
gradient penalty 10, Adams 3e-4 / 1e-4 (0.5, 0.9), guidance balanced at 3 x the critic's image gradient, capped at
p >= 0.9, through random augmentations, after a 200-step warm-up, an EMA of the generator; checked against synthview's
own step by `python benchmarks/gan_jax.py equivalence`). `init` builds the generator and critic with synthview's
`build_generator` / `build_critic` and copies the zoo's trains-classifier (the guide) and trains-oracle next to them;
`train` trains for its budget (--gan-batch-size, --steps-per-call), writes GAN_generator.keras, GAN_generator_ema.keras
and GAN_critic.keras every --checkpoint-every seconds and at the end, GAN_run_config.json before the first step
(a run cut at the device's limit keeps its last state and can still be wrapped), then judges 300 fresh seeds per type (the guide's hit rate at p >= 0.9, the oracle's agreement) and writes
the JSON line and 16 samples per type; `wrap` makes a train_gan-style run folder OUT/GAN_run (config.json,
gan.weights.h5 of a WGANGP holding the trained networks, generator.keras: the EMA one from 10,000 generator steps on,
as train_gan chooses) and a grid per type, for benchmarks/zoo_build.py --kind generator and benchmarks/zoo_critic.py.

Usage:
    python benchmarks/zoo_trains_device.py init --out .devin/init
    KERAS_BACKEND=jax python benchmarks/zoo_trains_device.py train --init .devin/init --out $OUT --n 250000 \
        --budgets clf76=100,clf76w=100,oracle76=120,clf38=50
    python benchmarks/zoo_trains_device.py wrap --out runs/zoo_trains_device   # after copying the device's files there
  the GAN (about 10 minutes on the H200: ~1 min of trains on its 16 cores, 480 s of training including compilation,
  the evaluation; carry .whl (the wheels of keras, namex and optree) and .devin/gan (17 MB)):
    python benchmarks/zoo_trains_device.py init --models gan76 --init .devin/gan
    pip install --no-deps .whl/*.whl && KERAS_BACKEND=jax python benchmarks/zoo_trains_device.py train --init .devin/gan \
        --out $OUT --n 250000 --test 0 --budgets gan76=480 --gan-batch-size 64 --steps-per-call 20 --checkpoint-every 120 \
        --guidance-warmup 3000 --guidance-ramp 1500
    python benchmarks/zoo_trains_device.py wrap --models gan76 --out runs/zoo_trains_device   # the device's files copied there
  (guidance off for 3,000 generator steps, then ramped over 1,500: at 76 x 76 on this CPU, guidance from step 200 left
  the generator in fog after 209,664 images, while the late start drew skies, grounds and trains-like bands; lines
  name=cond76 and name=cond76_late of benchmarks/results/trains_gan.jsonl)
  the tiny GAN on this CPU (the path end to end; its images are fog):
    python benchmarks/zoo_trains_device.py init --models gan76s
    KERAS_BACKEND=jax python benchmarks/zoo_trains_device.py train --init .devin/init --out .devin/tiny --n 3000 --test 0 \
        --budgets gan76s=120 --gan-batch-size 32 --steps-per-call 5 --checkpoint-every 60 --workers 2
    python benchmarks/zoo_trains_device.py wrap --models gan76s --out .devin/tiny
"""
import argparse, json, math, os, platform, sys, time
from multiprocessing import Pool
import numpy as np

p = argparse.ArgumentParser()
p.add_argument('step', choices=['init', 'train', 'wrap'])
p.add_argument('--init', default='.devin/init', help='folder of the untrained models (init writes it, train reads it)')
p.add_argument('--out', default='runs/zoo_trains_device')
p.add_argument('--n', type=int, default=250_000, help='training trains (fresh, balanced)')
p.add_argument('--test', type=int, default=10_000, help='test trains (seed 12345, like benchmarks/classifier_trains.py)')
p.add_argument('--budgets', default='clf76=100,clf76w=100,oracle76=120,clf38=50', help='model=seconds of training, in order')
p.add_argument('--max-epochs', type=int, default=40)
p.add_argument('--batch-size', type=int, default=256)
p.add_argument('--lr', type=float, default=2e-3)
p.add_argument('--workers', type=int, default=os.cpu_count())
p.add_argument('--models', default=None, help='init / wrap: only these (comma-separated); default: all')
p.add_argument('--gan-batch-size', type=int, default=64, help='real images per critic step (train_gan: batch_size)')
p.add_argument('--steps-per-call', type=int, default=10, help='generator steps per jitted call (lax.scan)')
p.add_argument('--checkpoint-every', type=float, default=180.0, help='seconds between GAN checkpoints')
p.add_argument('--guidance-warmup', type=int, default=200, help='GAN: generator steps without guidance (train_gan: guidance_warmup)')
p.add_argument('--guidance-ramp', type=int, default=0, help='GAN: generator steps over which guidance then rises to its full weight (train_gan: guidance_ramp)')
a = p.parse_args()

# What each entry is: the builder's arguments (the untrained model is made by synthview's builder in `init`).
MODELS = {'clf76': dict(kind='classifier', size=76, build=dict(), seed=0),
          'clf76w': dict(kind='classifier', size=76, build=dict(widths=(32, 64, 128), dropout=0.1), seed=0),
          'oracle76': dict(kind='oracle', size=76, build=dict(), seed=1),
          'clf38': dict(kind='classifier', size=38, build=dict(), seed=0),
          'vae76': dict(kind='vae', size=76, build=dict(latent_dim=64), seed=0, beta=1.0, lr=1e-3),
          # the GAN for an H200: gan_plan's 4 blocks at 76 px with half its widths and latent 128 (9 MB of .keras for both
          # networks, so the zoo stays under 60 MB); the tiny one only proves the path on a CPU
          'gan76': dict(kind='gan', size=76, build=dict(latent_dim=128, generator_widths=(256, 128, 64, 32), critic_widths=(32, 64, 128, 256)), seed=0),
          'gan76s': dict(kind='gan', size=76, build=dict(latent_dim=64, generator_widths=(64, 32, 16, 8), critic_widths=(8, 16, 32, 64)), seed=0)}
# the same two with the type also setting every generator norm layer's scale and shift (build_generator conditioning='norm';
# on this CPU it helped the weakest type and not the pictures at 658,944 images: line name=cbn76_e22 of trains_gan.jsonl)
MODELS['gan76n'] = dict(MODELS['gan76'], build=dict(MODELS['gan76']['build'], conditioning='norm'))
MODELS['gan76sn'] = dict(MODELS['gan76s'], build=dict(MODELS['gan76s']['build'], conditioning='norm'))
GUIDE, ORACLE = 'synthview/models/trains-classifier/classifier.keras', 'synthview/models/trains-oracle/classifier.keras'
chosen = None if a.models is None else a.models.split(',')
CHUNK = 12_500

if a.step == 'init':
    import keras
    from synthview.trains import TRAIN_CLASSES
    from synthview.classifier import build_classifier
    from synthview.metrics import build_oracle
    from synthview.vae import build_encoder, build_decoder
    from synthview.gan import build_generator, build_critic
    import shutil
    os.makedirs(a.init, exist_ok=True)
    for name, m in MODELS.items():
        if chosen is not None and name not in chosen: continue
        keras.utils.set_random_seed(m['seed'])
        shape = (m['size'], m['size'], 3)
        if m['kind'] == 'gan':              # train_gan's _networks for a conditional run whose critic sees the guide's labels
            b = m['build']
            g = build_generator(shape, b['latent_dim'], n_classes=len(TRAIN_CLASSES), widths=b['generator_widths'],
                                conditioning=b.get('conditioning', 'input'))
            c = build_critic(shape, widths=b['critic_widths'], n_classes=len(TRAIN_CLASSES))
            g.save(os.path.join(a.init, f'{name}_generator.keras')); c.save(os.path.join(a.init, f'{name}_critic.keras'))
            for role, src in (('guide', GUIDE), ('oracle', ORACLE)):   # plain Keras models: canonical [-1, 1] in, logits out (sidecars)
                sidecar = json.load(open(src + '.json'))
                assert sidecar['input_range'] == [-1.0, 1.0] and sidecar['output'] == 'logits', sidecar
                shutil.copyfile(src, os.path.join(a.init, f'{name}_{role}.keras'))
                shutil.copyfile(src + '.json', os.path.join(a.init, f'{name}_{role}.keras.json'))
            print(name, 'generator', g.count_params(), 'critic', c.count_params(), 'parameters'); continue
        if m['kind'] == 'vae':
            build_encoder(shape, **m['build']).save(os.path.join(a.init, f'{name}_encoder.keras'))
            build_decoder(shape, **m['build']).save(os.path.join(a.init, f'{name}_decoder.keras'))
            print(name, 'encoder and decoder'); continue
        model = (build_classifier(shape, len(TRAIN_CLASSES), **m['build']) if m['kind'] == 'classifier'
                 else build_oracle(shape, len(TRAIN_CLASSES), **m['build']))
        model.save(os.path.join(a.init, f'{name}.keras'))
        print(name, model.count_params(), 'parameters')
    sys.exit(0)

def wrap_gan(name, m):
    """The device's GAN as a train_gan run folder OUT/NAME_run: config.json, gan.weights.h5 (a WGANGP holding the trained
    generator, critic and EMA generator; fresh optimisers) and generator.keras (the one train_gan would show), a grid
    per type; the commands that make the zoo entry from it are printed."""
    import keras
    from synthview.core import RUN_FILES, image_grid, atomic_write_json
    from synthview.classifier import load_classifier
    from synthview.gan import WGANGP, GeneratorDecoder
    from PIL import Image
    load = lambda part: keras.saving.load_model(os.path.join(a.out, f'{name}_{part}.keras'), safe_mode=True, compile=False)
    g, c, ema = load('generator'), load('critic'), load('generator_ema')
    line = json.load(open(os.path.join(a.out, f'{name}_run_config.json')))   # written before the first step (a cut run has it)
    progress = json.load(open(os.path.join(a.out, f'{name}_progress.json')))
    steps = progress['generator_steps']                  # the last checkpoint's (a run cut short has no line for it)
    ema_beta = 0.999 if steps >= 10_000 else None        # train_gan's 'auto'
    r = line['recipe']
    gan = WGANGP(g, c, classifier=load_classifier(GUIDE), conditional=True, guidance_weight=r['guidance_weight'],
                 guidance_mode=r['guidance_mode'], guidance_cap=r['guidance_cap'], guidance_augment=True,
                 guidance_warmup=r['guidance_warmup'], guidance_ramp=r.get('guidance_ramp', 0), gp_weight=r['gp_weight'], n_critic=line['n_critic'], fresh_real=True,
                 ema_beta=ema_beta, seed=m['seed'])
    if ema_beta is not None: gan.generator_ema.set_weights(ema.get_weights())
    gan.compile(learning_rate=r['critic_lr'], generator_learning_rate=r['generator_lr'])
    run = os.path.join(a.out, f'{name}_run'); os.makedirs(run, exist_ok=True)
    shown = gan.shown_generator()
    shown.save(str(RUN_FILES.path(run, 'generator'))); gan.save_weights(str(RUN_FILES.path(run, 'gan_weights')))
    b = m['build']
    atomic_write_json(RUN_FILES.path(run, 'config'), dict(
        data=f"trains {m['size']}px (make_trains, {line['real_images_available']} images the guide assigns at p >= 0.5)",
        image_shape=[m['size'], m['size'], 3], classifier='trains_clf76', target=None, conditional=True, classes=[0, 1, 2],
        batch_size=line['batch_size'], seed=m['seed'], latent_dim=b['latent_dim'], generator_widths=list(b['generator_widths']),
        critic_widths=list(b['critic_widths']), generator_conditioning=b.get('conditioning', 'input'), n_critic=line['n_critic'], guidance_weight=r['guidance_weight'],
        guidance_mode=r['guidance_mode'], guidance_cap=r['guidance_cap'], guidance_augment=True, guidance_warmup=r['guidance_warmup'],
        guidance_ramp=r.get('guidance_ramp', 0), gp_weight=r['gp_weight'], gp_every=1, fresh_real=True, ema_beta=ema_beta, learning_rate=r['critic_lr'],
        generator_learning_rate=r['generator_lr'], critic_sees='guide', generator_steps=steps, real_images=progress['real_images'],
        trained_by=f"benchmarks/zoo_trains_device.py train (JAX port benchmarks/gan_jax.py) on {line['device']}"))
    dec = GeneratorDecoder(shown)
    grids = {}
    for t, cname in enumerate(TRAIN_CLASSES):
        x = dec.generate(np.arange(10 ** 6, 10 ** 6 + 16), labels=t)
        grids[cname] = os.path.join(run, f'grid_{cname}.png')
        Image.fromarray(image_grid(x, ncols=8)).save(grids[cname])
    return dict(run=run, generator=str(RUN_FILES.path(run, 'generator')), shown='ema' if ema_beta else 'generator',
                generator_steps=steps, grids=grids,
                next=[f"python benchmarks/zoo_build.py --name trains-conditional-gan --kind generator --data trains --source {RUN_FILES.path(run, 'generator')} "
                      f"--guide trains-classifier --oracle trains-oracle --trained-by '<the init / train / wrap commands>' --training '<from the JSON line>'",
                      "(list the entry in zoo.ENTRIES, nbs/13_zoo.ipynb, with the printed sha256)",
                      f"python benchmarks/zoo_critic.py --name trains-conditional-gan --run {run} --guide trains-classifier"])

if a.step == 'wrap':
    import keras
    from synthview.trains import TRAIN_CLASSES
    from synthview.classifier import as_classifier
    from synthview.vae import VAE, save_vae
    for name, m in MODELS.items():
        if chosen is not None and name not in chosen: continue
        f = os.path.join(a.out, f'trains_{name}.keras')
        if m['kind'] == 'gan':
            if os.path.exists(os.path.join(a.out, f"{name}_generator.keras")): print(json.dumps(wrap_gan(name, m)))
            continue
        if m['kind'] == 'vae':
            if not os.path.exists(f.replace('.keras', '_encoder.keras')): continue
            enc, dec = (keras.saving.load_model(f.replace('.keras', f'_{part}.keras'), safe_mode=True) for part in ('encoder', 'decoder'))
            print(save_vae(VAE(enc, dec, beta=m['beta'], seed=m['seed'], name='trains_vae'), os.path.join(a.out, f'{name}.keras')))
        elif os.path.exists(f):
            c = as_classifier(keras.saving.load_model(f, safe_mode=True), class_names=TRAIN_CLASSES, output='logits', name=f'trains_{name}')
            print(c.save(os.path.join(a.out, f'{name}_classifier.keras')))
    sys.exit(0)

# --- train: the data first, with synthview.trains (NumPy only), before Keras is imported -----------------------------
backend = os.environ.pop('KERAS_BACKEND', None)   # synthview refuses a non-TensorFlow backend at import; trains.py needs none
from synthview.trains import make_trains, TRAIN_CLASSES
if backend: os.environ['KERAS_BACKEND'] = backend
budgets = {k: float(v) for k, v in (kv.split('=') for kv in a.budgets.split(','))}
sizes = sorted({MODELS[k]['size'] for k in budgets})

def _make(job):
    n, seed = job
    return {s: make_trains(n, size=s, seed=seed) for s in sizes}

t0 = time.perf_counter()
jobs = [(min(CHUNK, a.n - i), 100 + i // CHUNK) for i in range(0, a.n, CHUNK)]
n_train_jobs = len(jobs)
if a.test: jobs.append((a.test, 12345))      # --test 0: no test trains (the GAN needs none)
with Pool(min(a.workers, len(jobs))) as pool: parts = pool.map(_make, jobs)
data = {s: (np.concatenate([q[s].images for q in parts[:n_train_jobs]]), np.concatenate([q[s].labels for q in parts[:n_train_jobs]])) for s in sizes}
test = {s: (parts[-1][s].images, parts[-1][s].labels) for s in sizes} if a.test else {}
gen_s = time.perf_counter() - t0
print(f"{a.n} training and {a.test} test trains at {sizes} px in {gen_s:.0f} s", flush=True)

import keras
os.makedirs(a.out, exist_ok=True)
device = 'cpu'
if keras.config.backend() == 'jax':
    import jax; device = str(jax.devices()[0].device_kind)

class TimeLimit(keras.callbacks.Callback):
    "Safety: stop at the end of an epoch once the run is past its limit."
    def __init__(self, limit): super().__init__(); self.limit = limit
    def on_train_begin(self, logs=None): self.t = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self.t > self.limit: self.model.stop_training = True

def wrapped(base):
    "The model behind a uint8 -> canonical [-1, 1] layer, so that uint8 images travel to the device (4x less)."
    inp = keras.Input(base.input_shape[1:], dtype='uint8', name='uint8_images')
    return keras.Model(inp, base(keras.layers.Rescaling(1 / 127.5, offset=-1.0, name='canonical')(inp)))

def compile_(model, total_steps, steps_per_epoch):
    warm = max(1, min(steps_per_epoch, total_steps // 10))   # train_classifier's warm-up: one epoch, at most 10 % of the run
    sched = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=max(1, total_steps - warm), warmup_target=a.lr, warmup_steps=warm)
    model.compile(optimizer=keras.optimizers.Adam(sched), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['accuracy'], steps_per_execution=8)

def logits(model, x):
    return np.asarray(model.predict(x, batch_size=1024, verbose=0))

class ELBO(keras.layers.Layer):
    "Per image (reconstruction NLL, KL) of synthview.vae.VAE (Bernoulli likelihood, one reparameterised sample), in keras.ops."
    def __init__(self, encoder, decoder, seed=0, **kwargs):
        super().__init__(**kwargs); self.encoder, self.decoder = encoder, decoder
        self.noise = keras.random.SeedGenerator(seed)
    def call(self, x, training=False):
        ops = keras.ops
        mean, logvar = self.encoder(x, training=training)
        z = mean + ops.exp(0.5 * logvar) * keras.random.normal(ops.shape(mean), seed=self.noise)
        rec = ops.sum(ops.binary_crossentropy((x + 1.0) / 2.0, self.decoder(z, training=training), from_logits=True), axis=(1, 2, 3))
        kl = -0.5 * ops.sum(1.0 + logvar - ops.square(mean) - ops.exp(logvar), axis=-1)
        return ops.stack([rec, kl], axis=-1)

def train_vae_(name, m, budget):
    "train_vae's recipe (Adam at a constant rate, loss = mean of reconstruction + beta KL) for `budget` seconds."
    x, _ = data[m['size']]; xt, _ = test[m['size']]
    keras.utils.set_random_seed(m['seed'])
    enc = keras.models.load_model(os.path.join(a.init, f'{name}_encoder.keras'))
    dec = keras.models.load_model(os.path.join(a.init, f'{name}_decoder.keras'))
    inp = keras.Input(enc.input_shape[1:], dtype='uint8', name='uint8_images')
    model = keras.Model(inp, ELBO(enc, dec, seed=m['seed'], name='elbo')(keras.layers.Rescaling(1 / 127.5, offset=-1.0)(inp)))
    beta = m['beta']
    model.compile(optimizer=keras.optimizers.Adam(m['lr']), loss=lambda y, t: t[:, 0] + beta * t[:, 1], steps_per_execution=8)
    t1 = time.perf_counter()
    hist = model.fit(x, np.zeros(len(x), 'float32'), batch_size=a.batch_size, epochs=a.max_epochs, shuffle=True, verbose=2,
                     callbacks=[TimeLimit(budget)])
    train_s = time.perf_counter() - t1
    terms = np.asarray(model.predict(xt, batch_size=1024, verbose=0))
    mean_t = np.asarray(enc.predict(xt.astype('float32') / 127.5 - 1, batch_size=1024, verbose=0)[0])
    recon = 2 / (1 + np.exp(-np.asarray(dec.predict(mean_t, batch_size=1024, verbose=0)))) - 1
    l1 = float(np.abs(recon - (xt.astype('float32') / 127.5 - 1)).mean())
    enc.save(os.path.join(a.out, f'trains_{name}_encoder.keras')); dec.save(os.path.join(a.out, f'trains_{name}_decoder.keras'))
    return dict(benchmark='zoo_trains_device', model=name, kind='vae', size=m['size'], build=m['build'], seed=m['seed'], beta=beta,
                likelihood='bernoulli', parameters=enc.count_params() + dec.count_params(), train_images=len(x), test_images=len(xt),
                test_seed=12345, epochs=len(hist.history['loss']), batch_size=a.batch_size, lr=m['lr'],
                test_reconstruction_nll=round(float(terms[:, 0].mean()), 2), test_kl=round(float(terms[:, 1].mean()), 2),
                test_neg_elbo=round(float((terms[:, 0] + beta * terms[:, 1]).mean()), 2), test_reconstruction_l1=round(l1, 4),
                loss_curve=[round(float(v), 2) for v in hist.history['loss']],
                images_per_second=round(len(x) * len(hist.history['loss']) / train_s), train_seconds=round(train_s, 1),
                budget_seconds=budget, generate_seconds=round(gen_s, 1), backend=keras.config.backend(), keras=keras.__version__,
                device=device, host_cpus=os.cpu_count(), machine=platform.machine(), command=' '.join(['python'] + sys.argv))

results, test_logits = [], {}
for name, budget in budgets.items():
    m = MODELS[name]
    if m['kind'] == 'gan':
        import gan_jax   # the JAX port of synthview's WGAN-GP step (benchmarks/gan_jax.py)
        x, y = data[m['size']]
        r = gan_jax.train(os.path.join(a.init, name), a.out, x, y, budget=budget, batch_size=a.gan_batch_size,
                          steps_per_call=a.steps_per_call, checkpoint_every=a.checkpoint_every, seed=m['seed'],
                          guidance_warmup=a.guidance_warmup, guidance_ramp=a.guidance_ramp,
                          log=lambda s: print(s, flush=True))
        r = dict(benchmark='zoo_trains_device', **r, size=m['size'], build=m['build'], seed=m['seed'], train_images=len(x),
                 generate_seconds=round(gen_s, 1), host_cpus=os.cpu_count(), machine=platform.machine(),
                 command=' '.join(['python'] + sys.argv))
        results.append(r)
        with open(os.path.join(a.out, 'zoo_trains_device.jsonl'), 'a') as f: f.write(json.dumps(r) + '\n')
        print(json.dumps({k: r[k] for k in ('model', 'generator_steps', 'real_images_seen', 'images_per_second', 'per_type')}), flush=True)
        continue
    if m['kind'] == 'vae':
        r = train_vae_(name, m, budget); results.append(r)
        with open(os.path.join(a.out, 'zoo_trains_device.jsonl'), 'a') as f: f.write(json.dumps(r) + '\n')
        print(json.dumps({k: r[k] for k in ('model', 'test_neg_elbo', 'test_reconstruction_l1', 'epochs', 'images_per_second')}), flush=True)
        continue
    x, y = data[m['size']]
    xt, yt = test[m['size']]
    keras.utils.set_random_seed(m['seed'])
    base = keras.models.load_model(os.path.join(a.init, f'{name}.keras'))
    init_weights = base.get_weights()
    model = wrapped(base)
    spe = len(x) // a.batch_size
    # probe: compile, then time 2 x 48 steps after compilation
    compile_(model, 10 ** 6, spe)
    probe = 48 * a.batch_size
    tc = time.perf_counter(); model.fit(x[:probe], y[:probe], batch_size=a.batch_size, epochs=1, verbose=0); compile_s = time.perf_counter() - tc
    tp = time.perf_counter(); model.fit(x[:2 * probe], y[:2 * probe], batch_size=a.batch_size, epochs=1, verbose=0)
    step_s = (time.perf_counter() - tp) / 96
    epochs = int(max(1, min(a.max_epochs, (budget - compile_s) / (spe * step_s * 1.08))))
    base.set_weights(init_weights)
    compile_(model, epochs * spe, spe)
    t1 = time.perf_counter()
    hist = model.fit(x, y, batch_size=a.batch_size, epochs=epochs, shuffle=True, verbose=2, callbacks=[TimeLimit(budget * 1.3)])
    train_s = time.perf_counter() - t1
    lt = logits(model, xt); pred = lt.argmax(1); test_logits[name] = lt
    acc = float((pred == yt).mean())
    per_class = {c: round(float((pred[yt == i] == i).mean()), 4) for i, c in enumerate(TRAIN_CLASSES)}
    base.save(os.path.join(a.out, f'trains_{name}.keras'))
    r = dict(benchmark='zoo_trains_device', model=name, kind=m['kind'], size=m['size'], build=m['build'], seed=m['seed'],
             parameters=base.count_params(), train_images=len(x), test_images=len(xt), test_seed=12345,
             epochs=len(hist.history['loss']), epochs_planned=epochs, batch_size=a.batch_size, lr=a.lr,
             test_accuracy=round(acc, 4), per_class_accuracy=per_class,
             train_accuracy_last_epoch=round(float(hist.history['accuracy'][-1]), 4),
             loss_curve=[round(float(v), 4) for v in hist.history['loss']],
             images_per_second=round(len(x) * len(hist.history['loss']) / train_s), train_seconds=round(train_s, 1),
             compile_seconds=round(compile_s, 1), budget_seconds=budget, generate_seconds=round(gen_s, 1),
             backend=keras.config.backend(), keras=keras.__version__, device=device, host_cpus=os.cpu_count(),
             machine=platform.machine(), command=' '.join(['python'] + sys.argv))
    results.append(r)
    with open(os.path.join(a.out, 'zoo_trains_device.jsonl'), 'a') as f: f.write(json.dumps(r) + '\n')
    print(json.dumps({k: r[k] for k in ('model', 'test_accuracy', 'per_class_accuracy', 'epochs', 'images_per_second', 'train_seconds')}), flush=True)

# agreement of each 76 px classifier with the oracle on the test trains
if 'oracle76' in test_logits:
    o = test_logits['oracle76'].argmax(1)
    agr = {k: round(float((v.argmax(1) == o).mean()), 4) for k, v in test_logits.items() if k != 'oracle76' and MODELS[k]['size'] == 76}
    with open(os.path.join(a.out, 'zoo_trains_device.jsonl'), 'a') as f:
        f.write(json.dumps(dict(benchmark='zoo_trains_device', model='agreement_with_oracle76', test_images=a.test, agreement=agr)) + '\n')
    print('agreement with the oracle on test trains:', agr)
print(f'total {time.perf_counter() - t0:.0f} s')

"""A JAX port of synthview's classifier-guided WGAN-GP training step, for an accelerator without TensorFlow.

synthview's `WGANGP.train_step` is TensorFlow (GradientTape, tf.distribute); the lent accelerator has only JAX. Keras 3
is backend-neutral, so the *same* .keras generator, critic and guide (made here by synthview's builders) run there under
`KERAS_BACKEND=jax`; this module rewrites the step around them with `stateless_call` and the optimizers'
`stateless_apply`, in `jax.jit`. Every piece names where it comes from in synthview/gan.py and synthview/losses.py, and
`python benchmarks/gan_jax.py equivalence` checks it against synthview's own TF step (same weights, same random
numbers; see the bottom of this file). The recipe is `train_gan`'s as it stands:

- n_critic = 2 critic steps per generator step, each on its own real minibatch (fresh_real, Algorithm 1 of Gulrajani);
- critic: Wasserstein loss + 10 x gradient penalty (losses.wasserstein_critic_loss, losses.gradient_penalty), Adam 3e-4;
  a projection critic on the real images' labels (critic_sees='guide': the guide's verdicts on the real images), the
  fakes of a critic step drawn with the real batch's labels (WGANGP.critic_step);
- generator: -E[D(G(z, y))] with y drawn uniformly over the classes, Adam 1e-4; both Adams beta (0.5, 0.9), eps 1e-7;
- guidance (GuidedGAN._guidance_terms, _image_gradient, _guidance_ramp): the guide's -log p(y) on a random augmented
  view (augment_images: shift 2 mirrored, blur mix U(0, 0.5), noise 0.05), its gradient on the images capped (zero
  where p(y) >= 0.9), balanced to 3 x the critic's gradient norm on the images, off for the first 200 generator steps;
  the sum goes through the generator once (a vector-Jacobian product);
- the generator's batch-norm statistics move in every forward pass in training mode, the critic step's included;
- an EMA of the generator (ema_update: w_ema <- w + 0.999 (w_ema - w), batch-norm statistics included), kept always;
  `train_gan` shows it when the run has >= 10,000 generator steps, and `wrap` follows that rule.

Nothing here imports synthview (it refuses a non-TensorFlow backend); the data come from the caller.

What `equivalence` found (benchmarks/results/gan_jax_equivalence.jsonl): started from synthview's state before each
step, the port's losses, gradient penalty, generator loss, guidance term and balance scale agree with synthview's to
<= 1.4e-6 relative, the generator's weights after a generator step to 9e-7 and its batch-norm statistics to 6e-8. The
critic's weights after a critic step differ by up to 2 x lr in a few entries (74 of 18,137): synthview's TF gradient of
the gradient penalty is itself off by up to 1.7 % against a float64 reference of the same loss (the port's: 7.5e-7),
which the second-order pass through the critic's LayerNormalization explains (Keras' TF moments come from
tf.nn.moments, whose variance stops the gradient through the mean: exact to first order, not to second), and Adam's
first step moves every weight by about +-lr whatever its gradient's size. So the port computed train_gan's loss
exactly and synthview's own critic gradient was the approximate one; build_critic now uses synthview.gan.LayerNormalization
(the variance written out, exact to second order; 10_gan tests it against float64), which this port loads as Keras' layer. Re-run after that change (the line of commit c2f90fe): synthview's critic gradient
is within 2.2e-6 of the float64 reference (was 1.7e-2), and after each critic step no critic weight differs from the
port's by more than 1e-5 (was 74 and 142 of 18,137; largest difference now 1.5e-8).

Usage (on this CPU; it runs itself twice, once per backend, then compares):
    python benchmarks/gan_jax.py equivalence        # -> benchmarks/results/gan_jax_equivalence.jsonl
    python benchmarks/gan_jax.py tf-speed --init .devin/init --model gan76s --batch-size 32 --seconds 60   # synthview's TF step's images/s
The training itself runs from benchmarks/zoo_trains_device.py (`train` with a `gan76` budget), which calls `train` below.
"""
import json, math, os, time
import numpy as np

CLASSES = 3

def _load_keras(path, **kw):
    "keras.saving.load_model, with synthview's critic layer norm (synthview.gan.LayerNormalization) read as Keras' own: the same layer and weights, exact to second order under JAX."
    import keras
    return keras.saving.load_model(path, custom_objects={'synthview>LayerNormalization': keras.layers.LayerNormalization}, **kw)

# ----------------------------------------------------------------------------------------------------------------------
# Pure functions of the step (import keras / jax lazily: this file is also the TF side's driver)

def _jax():
    import jax, jax.numpy as jnp
    return jax, jnp

def blur3(x):
    "gan._gaussian_blur3: a 3 x 3 binomial blur per channel, edges mirrored (TF's SYMMETRIC = NumPy's 'symmetric')."
    _, jnp = _jax()
    k = (0.25, 0.5, 0.25)
    h, w = x.shape[1], x.shape[2]
    p = jnp.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode='symmetric')
    rows = sum(k[i] * p[:, i:i + h] for i in range(3))                       # separable: rows, then columns
    return sum(k[j] * rows[:, :, j:j + w] for j in range(3))

def augment(x, shifts, blur_mix, noise, *, shift=2, noise_std=0.05):
    """gan.augment_images with its random numbers given: shifts (N, 2) ints in [0, 2 shift], blur_mix (N, 1, 1, 1) in
    [0, 0.5), noise (N, H, W, C) standard normal. Order as there: shift (mirrored edges), [no flip], blur, noise."""
    jax, jnp = _jax()
    h, w, c = x.shape[1:]
    pad = jnp.pad(x, ((0, 0), (shift, shift), (shift, shift), (0, 0)), mode='symmetric')
    x = jax.vmap(lambda im, d: jax.lax.dynamic_slice(im, (d[0], d[1], 0), (h, w, c)))(pad, shifts)   # each image its own offset
    x = (1 - blur_mix) * x + blur_mix * blur3(x)
    return x + noise_std * noise

def guidance_nll(logits, onehot):
    "losses.guidance_nll: -log p(T) = LSE(logits) - LSE(logits[T]), per image."
    jax, jnp = _jax()
    masked = jnp.where(onehot > 0, logits, -1e9)
    return jax.nn.logsumexp(logits, -1) - jax.nn.logsumexp(masked, -1)


class GANStep:
    """The WGAN-GP step of synthview's WGANGP (conditional, projection critic, guided), as pure JAX functions of a state
    (generator/critic/EMA variables, both optimizers' variables, the generator-step counter)."""
    def __init__(self, generator, critic, guide, *, critic_lr=3e-4, generator_lr=1e-4, gp_weight=10.0, gp_epsilon=1e-10,
                 guidance_weight=3.0, guidance_cap=0.9, guidance_warmup=200, guidance_ramp=0, ema_beta=0.999, augment=True):
        import keras
        self.G, self.D, self.C = generator, critic, guide
        assert not critic.non_trainable_variables, 'the critic must hold no state (no batch norm: see build_critic)'
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.gp_weight, self.gp_epsilon = gp_weight, gp_epsilon
        self.guidance_weight, self.guidance_cap, self.guidance_warmup = guidance_weight, guidance_cap, guidance_warmup
        self.guidance_ramp = guidance_ramp
        self.ema_beta, self.augment = ema_beta, augment
        # GuidedGAN.compile: Adam with the paper's betas, two learning rates (train_gan: critic 3e-4, generator 1e-4)
        self.d_opt = keras.optimizers.Adam(critic_lr, beta_1=0.5, beta_2=0.9, epsilon=1e-7, name='critic_adam')
        self.g_opt = keras.optimizers.Adam(generator_lr, beta_1=0.5, beta_2=0.9, epsilon=1e-7, name='generator_adam')
        self.d_opt.build(critic.trainable_variables); self.g_opt.build(generator.trainable_variables)

    def initial_state(self):
        vals = lambda vs: [v.value for v in vs]
        g_tv, g_ntv = vals(self.G.trainable_variables), vals(self.G.non_trainable_variables)
        copy = lambda xs: [x.copy() for x in xs]                           # its own buffers (the state is donated to jit)
        return dict(g_tv=g_tv, g_ntv=g_ntv, d_tv=vals(self.D.trainable_variables), ema_tv=copy(g_tv), ema_ntv=copy(g_ntv),
                    d_opt=vals(self.d_opt.variables), g_opt=vals(self.g_opt.variables), g_step=np.int32(0),
                    c_tv=vals(self.C.trainable_variables), c_ntv=vals(self.C.non_trainable_variables))

    # the networks as functions of their variables
    def generate(self, g_tv, g_ntv, z, y, training=True):
        "WGANGP._generate: G([z, y]); in training mode its batch-norm statistics move (returned)."
        return self.G.stateless_call(g_tv, g_ntv, [z, y], training=training)

    def score(self, d_tv, x, y):
        "WGANGP._judge: the projection critic with the labels bound, (N, 1) scores."
        return self.D.stateless_call(d_tv, [], [x, y], training=True)[0]

    def guide_logits(self, state, x):
        "Classifier.log_probs for a logits model whose input range is canonical: the frozen guide, in inference mode."
        return self.C.stateless_call(state['c_tv'], state['c_ntv'], x, training=False)[0]

    # WGANGP.critic_step
    def critic_step(self, state, real, y, z, alpha):
        """One critic update on a real minibatch (real, one-hot y): fakes G(z, y) of the same labels, loss
        E[D(fake)] - E[D(real)] + gp_weight * E[(||grad D(x_hat)|| - 1)^2] with x_hat = real + alpha (fake - real)."""
        jax, jnp = _jax()
        fake, g_ntv = self.generate(state['g_tv'], state['g_ntv'], z, y)       # outside the tape there: no gradient to G
        fake = jax.lax.stop_gradient(fake)
        def loss_fn(d_tv):
            w_loss = jnp.mean(self.score(d_tv, fake, y)) - jnp.mean(self.score(d_tv, real, y))   # wasserstein_critic_loss
            x_hat = real + alpha * (fake - real)                                                 # gradient_penalty
            grads = jax.grad(lambda xh: jnp.sum(self.score(d_tv, xh, y)))(x_hat)
            norm = jnp.sqrt(jnp.sum(jnp.square(grads), axis=(1, 2, 3)) + self.gp_epsilon)
            gp = jnp.mean(jnp.square(norm - 1.0))
            return w_loss + self.gp_weight * gp, (gp, w_loss)
        (loss, (gp, w_loss)), grads = jax.value_and_grad(loss_fn, has_aux=True)(state['d_tv'])
        d_tv, d_opt = self.d_opt.stateless_apply(state['d_opt'], grads, state['d_tv'])
        return dict(state, d_tv=d_tv, d_opt=d_opt, g_ntv=g_ntv), dict(critic_loss=loss, gp=gp, w_distance=-w_loss)

    # WGANGP.generator_step with GuidedGAN._guidance_terms, _image_gradient, _guidance_ramp
    def generator_step(self, state, z, idx, shifts, blur_mix, noise):
        """One generator update: d/d(images) of -E[D(G(z, y))] plus the capped, balanced, ramped guidance term on an
        augmented view, then through the generator once; y = one_hot(idx) (idx drawn uniformly by the caller)."""
        jax, jnp = _jax()
        y = jax.nn.one_hot(idx, CLASSES)
        gen = lambda g_tv: self.generate(g_tv, state['g_ntv'], z, y)
        fake, vjp_fn, g_ntv = jax.vjp(gen, state['g_tv'], has_aux=True)
        g_loss, g_critic = jax.value_and_grad(lambda f: -jnp.mean(self.score(state['d_tv'], f, y)))(fake)  # wasserstein_generator_loss
        def nll_mean(f):                                                      # _guidance_terms
            seen = augment(f, shifts, blur_mix, noise) if self.augment else f
            logits = self.guide_logits(state, seen)
            nll = guidance_nll(logits, y)
            return jnp.mean(nll), (nll, logits)
        (nll_m, (nll, logits)), g_guide = jax.value_and_grad(nll_mean, has_aux=True)(fake)
        # _image_gradient, 'balanced': scale = w ||g_critic|| / (||g_guide|| + 1e-12), not differentiated, times the ramp
        scale = self.guidance_weight * jnp.sqrt(jnp.sum(jnp.square(g_critic))) / (jnp.sqrt(jnp.sum(jnp.square(g_guide))) + 1e-12)
        since = (state['g_step'] - self.guidance_warmup).astype(jnp.float32)     # _guidance_ramp: 0 in the warm-up, then linear to 1
        ramp = (since >= 0).astype(jnp.float32) if self.guidance_ramp == 0 else jnp.clip((since + 1.0) / self.guidance_ramp, 0.0, 1.0)
        scale = jax.lax.stop_gradient(scale) * ramp
        keep = (nll > -math.log(self.guidance_cap)).astype(g_guide.dtype)    # capped: no push at p(y) >= cap
        g_img = g_critic + scale * g_guide * keep[:, None, None, None]
        (grads,) = vjp_fn(g_img)                                              # tape.gradient(fake, vars, output_gradients=g_img)
        g_tv, g_opt = self.g_opt.stateless_apply(state['g_opt'], grads, state['g_tv'])
        b = self.ema_beta                                                     # ema_update, after the step, BN statistics included
        ema_tv = [w + b * (e - w) for e, w in zip(state['ema_tv'], g_tv)]
        ema_ntv = [w + b * (e - w) for e, w in zip(state['ema_ntv'], g_ntv)]
        cls_loss = jnp.mean(jax.nn.relu(nll + math.log(self.guidance_cap)))  # guidance_loss_from_nll (logged)
        share = jnp.mean((jnp.argmax(logits, -1) == idx).astype(jnp.float32))
        prob = jnp.mean(jnp.sum(jax.nn.softmax(logits) * y, -1))
        new = dict(state, g_tv=g_tv, g_ntv=g_ntv, g_opt=g_opt, ema_tv=ema_tv, ema_ntv=ema_ntv, g_step=state['g_step'] + 1)
        return new, dict(generator_loss=g_loss, guidance_loss=cls_loss, target_share=share, target_prob=prob,
                         guidance_scale=scale)

    # WGANGP.train_step (fresh_real: one real minibatch per critic step), the random numbers drawn here
    def train_step(self, state, key, real_u8, labels):
        """n_critic critic updates (real_u8: (n_critic, B, H, W, C) uint8, labels (n_critic, B) ints), then one
        generator update; the random numbers of _sample, critic_step and augment_images drawn from `key`."""
        jax, jnp = _jax()
        n_critic, b = labels.shape
        keys = jax.random.split(key, 2 * n_critic + 5)
        for i in range(n_critic):
            real = real_u8[i].astype(jnp.float32) / 127.5 - 1.0              # uint8 -> canonical [-1, 1]
            z = jax.random.normal(keys[2 * i], (b, self.latent_dim))
            alpha = jax.random.uniform(keys[2 * i + 1], (b, 1, 1, 1))
            state, c_logs = self.critic_step(state, real, jax.nn.one_hot(labels[i], CLASSES), z, alpha)
        k = keys[2 * n_critic:]
        shape = real_u8.shape[2:]
        state, g_logs = self.generator_step(
            state, jax.random.normal(k[0], (b, self.latent_dim)), jax.random.randint(k[1], (b,), 0, CLASSES),
            jax.random.randint(k[2], (b, 2), 0, 5), jax.random.uniform(k[3], (b, 1, 1, 1), maxval=0.5),
            jax.random.normal(k[4], (b, *shape)))
        return state, {**c_logs, **g_logs}

    def write_back(self, state):
        "The state's variables into the Keras models (generator, critic), e.g. to save them; returns an EMA copy too."
        import keras
        for v, x in zip(self.G.trainable_variables, state['g_tv']): v.assign(x)
        for v, x in zip(self.G.non_trainable_variables, state['g_ntv']): v.assign(x)
        for v, x in zip(self.D.trainable_variables, state['d_tv']): v.assign(x)
        ema = keras.models.clone_model(self.G)
        for v, x in zip(ema.trainable_variables, state['ema_tv']): v.assign(x)
        for v, x in zip(ema.non_trainable_variables, state['ema_ntv']): v.assign(x)
        return ema


def _save_atomic(model, path):
    tmp = path[:-len('.keras')] + '.tmp.keras'
    model.save(tmp); os.replace(tmp, path)

def latents_from_seeds(seeds, latent_dim):
    "gan.latents_from_seeds: seed s -> default_rng(s).standard_normal(latent_dim)."
    return np.stack([np.random.default_rng(int(s)).standard_normal(latent_dim) for s in seeds]).astype(np.float32)


def train(prefix, out, x, y_true, *, budget, batch_size=64, n_critic=2, steps_per_call=10, checkpoint_every=180.0,
          seed=0, n_eval=300, guidance_warmup=200, guidance_ramp=0, log=print):
    """Train the conditional guided WGAN-GP of `prefix` (PREFIX_generator.keras, _critic.keras, _guide.keras,
    _oracle.keras, untrained, made by zoo_trains_device.py init) on uint8 images x for `budget` seconds, under Keras' JAX
    backend. The critic sees the real images the guide assigns to a class at p >= 0.5, labelled with its verdict
    (gan.guide_subset). Checkpoints every `checkpoint_every` seconds and at the end into `out`
    (gan76_generator.keras, _generator_ema.keras, _critic.keras, _progress.json); returns the run's figures."""
    import keras, jax, jax.numpy as jnp
    name = os.path.basename(prefix)
    load = lambda part: _load_keras(f'{prefix}_{part}.keras', safe_mode=True, compile=False)
    keras.utils.set_random_seed(seed)
    G, D, guide, oracle = load('generator'), load('critic'), load('guide'), load('oracle')
    step = GANStep(G, D, guide, guidance_warmup=guidance_warmup, guidance_ramp=guidance_ramp)
    state = step.initial_state()
    t0 = time.perf_counter()
    # gan.guide_subset: the guide's verdicts (p >= 0.5) label the real images the critic sees
    clf = jax.jit(lambda tv, ntv, xb: jax.nn.softmax(guide.stateless_call(tv, ntv, xb.astype(jnp.float32) / 127.5 - 1, training=False)[0]))
    probs = np.concatenate([np.asarray(clf(state['c_tv'], state['c_ntv'], x[i:i + 1024])) for i in range(0, len(x), 1024)])
    keep = probs.max(1) >= 0.5
    x, labels = x[keep], probs.argmax(1)[keep].astype(np.int32)
    guide_agrees = float((labels == y_true[keep]).mean())
    x_dev, y_dev = jax.device_put(x), jax.device_put(labels)
    label_s = time.perf_counter() - t0
    log(f"{name}: {len(x)} real images the guide assigns at p >= 0.5 ({keep.mean():.4f} of them; its labels agree with the rules on {guide_agrees:.4f}) in {label_s:.0f} s")

    def chunk(state, key, idx, x_dev, y_dev):                                # steps_per_call generator steps, one dispatch
        def body(st, ks):                                                    # (the data are arguments, not baked-in constants)
            k, ix = ks
            return step.train_step(st, k, x_dev[ix], y_dev[ix])
        return jax.lax.scan(body, state, (jax.random.split(key, idx.shape[0]), idx))
    chunk = jax.jit(chunk, donate_argnums=0)

    per_step = batch_size * n_critic
    rng = np.random.default_rng(seed)
    perm, pos = rng.permutation(len(x)), 0
    def next_idx():                                                          # shuffled epochs, as data.to_tf(shuffle=True)
        nonlocal perm, pos
        out_ = np.empty((steps_per_call, n_critic, batch_size), np.int32)
        for s in range(steps_per_call):
            if pos + per_step > len(perm): perm, pos = rng.permutation(len(x)), 0   # drop_remainder
            out_[s] = perm[pos:pos + per_step].reshape(n_critic, batch_size); pos += per_step
        return out_

    os.makedirs(out, exist_ok=True)
    # the run's settings, written before the first step: `wrap` needs them also when the run is cut short (no JSON line)
    recipe = dict(critic_lr=3e-4, generator_lr=1e-4, betas=[0.5, 0.9], gp_weight=10.0, guidance_weight=3.0,
                  guidance_mode='balanced', guidance_cap=0.9, guidance_augment=True, guidance_warmup=guidance_warmup, guidance_ramp=guidance_ramp,
                  ema_beta=0.999, fresh_real=True, critic_sees='guide', conditional=True)
    run_config = dict(model=name, recipe=recipe, batch_size=batch_size, n_critic=n_critic, real_images_available=len(x),
                      seed=seed, device=str(jax.devices()[0].device_kind))
    with open(os.path.join(out, f'{name}_run_config.json.tmp'), 'w') as f: json.dump(run_config, f)
    os.replace(os.path.join(out, f'{name}_run_config.json.tmp'), os.path.join(out, f'{name}_run_config.json'))
    def checkpoint(state, steps, train_s):
        ema = step.write_back(state)
        _save_atomic(G, os.path.join(out, f'{name}_generator.keras'))
        _save_atomic(ema, os.path.join(out, f'{name}_generator_ema.keras'))
        _save_atomic(D, os.path.join(out, f'{name}_critic.keras'))
        with open(os.path.join(out, f'{name}_progress.json.tmp'), 'w') as f:
            json.dump(dict(generator_steps=steps, real_images=steps * per_step, train_seconds=round(train_s, 1)), f)
        os.replace(os.path.join(out, f'{name}_progress.json.tmp'), os.path.join(out, f'{name}_progress.json'))
        return ema

    key = jax.random.PRNGKey(seed)
    key, k = jax.random.split(key)
    tc = time.perf_counter()
    state, logs = chunk(state, k, next_idx(), x_dev, y_dev); jax.block_until_ready(logs)   # compile (and the first steps)
    compile_s = time.perf_counter() - tc
    steps, curve = steps_per_call, []
    t1 = last_ck = time.perf_counter()
    while time.perf_counter() - tc < budget:
        key, k = jax.random.split(key)
        prev = logs
        state, logs = chunk(state, k, next_idx(), x_dev, y_dev)
        jax.block_until_ready(prev)                                          # one call in flight: the clock sees the work
        steps += steps_per_call
        if time.perf_counter() - last_ck > checkpoint_every or len(curve) == 0:
            l = {k_: round(float(np.mean(v)), 4) for k_, v in logs.items()}
            if not all(math.isfinite(v) for v in l.values()):
                log(f'non-finite losses at step {steps}: {l}; stopping (the last checkpoint stays)'); break
            curve.append(dict(generator_steps=steps, real_images=steps * per_step, seconds=round(time.perf_counter() - tc, 1), **l))
            log(json.dumps(curve[-1]))
            if time.perf_counter() - last_ck > checkpoint_every:
                checkpoint(state, steps, time.perf_counter() - tc); last_ck = time.perf_counter()
    jax.block_until_ready(state['g_tv'])
    timed_s = time.perf_counter() - t1
    ips = (steps - steps_per_call) * per_step / timed_s if steps > steps_per_call else None   # None: the budget ended while compiling
    l = {k_: round(float(np.mean(v)), 4) for k_, v in logs.items()}
    curve.append(dict(generator_steps=steps, real_images=steps * per_step, seconds=round(time.perf_counter() - tc, 1), **l))
    ema = checkpoint(state, steps, time.perf_counter() - tc)
    shown = ema if steps >= 10_000 else G                                     # train_gan: ema_beta 0.999 from 10,000 steps

    # the guide's hit rate and the oracle's agreement on n_eval fresh seeds per type (seeds 10**6.., as zoo_build);
    # the guide afresh: its variables' buffers went into the donated state
    guide = load('guide')
    seeds = np.arange(10 ** 6, 10 ** 6 + n_eval)
    z = latents_from_seeds(seeds, step.latent_dim)
    per_type, samples = {}, []
    for t in range(CLASSES):
        yt = np.eye(CLASSES, dtype=np.float32)[np.full(n_eval, t)]
        imgs = np.asarray(shown.predict([z, yt], batch_size=256, verbose=0))
        pg = np.asarray(keras.ops.softmax(guide.predict(imgs, batch_size=256, verbose=0)))
        po = np.asarray(keras.ops.softmax(oracle.predict(imgs, batch_size=256, verbose=0)))
        hit = (pg.argmax(1) == t) & (pg.max(1) >= 0.9)
        ohit = (po.argmax(1) == t) & (po.max(1) >= 0.5)
        per_type[t] = dict(guide_hit_rate=round(float(hit.mean()), 4), oracle_hit_rate=round(float(ohit.mean()), 4),
                           oracle_agreement_on_hits=None if not hit.any() else round(float(ohit[hit].mean()), 4),
                           fooling_gap=round(float((hit & ~ohit).mean()), 4))
        samples.append(np.clip(np.round((imgs[:16] + 1) * 127.5), 0, 255).astype(np.uint8))
    np.savez_compressed(os.path.join(out, f'{name}_samples.npz'), images=np.stack(samples), seeds=seeds[:16])
    device = str(jax.devices()[0].device_kind)
    return dict(model=name, kind='gan', parameters_generator=G.count_params(), parameters_critic=D.count_params(),
                latent_dim=step.latent_dim, real_images_available=len(x), guide_labels_agree_with_rules=round(guide_agrees, 4),
                batch_size=batch_size, n_critic=n_critic, real_images_per_step=per_step, steps_per_call=steps_per_call,
                generator_steps=steps, real_images_seen=steps * per_step, images_per_second=None if ips is None else round(ips, 1),
                compile_seconds=round(compile_s, 1), train_seconds=round(time.perf_counter() - tc, 1), budget_seconds=budget,
                label_seconds=round(label_s, 1), shown_generator='ema' if shown is ema else 'generator',
                recipe=recipe,
                eval_seeds_per_type=n_eval, per_type={str(t): v for t, v in per_type.items()}, curve=curve, device=device,
                backend=keras.config.backend(), keras=keras.__version__, jax=jax.__version__)


# ----------------------------------------------------------------------------------------------------------------------
# Equivalence with synthview's TF step, and synthview's TF speed on the same networks

EQ_SHAPE, EQ_B, EQ_LATENT = (76, 76, 3), 8, 16
EQ_GW, EQ_CW = (32, 16, 8, 8), (8, 16, 16, 32)

def _eq_setup(folder):
    "TF, here: tiny networks by synthview's builders, a real batch of trains, and every random number, saved."
    import keras
    from synthview.gan import build_generator, build_critic
    from synthview.trains import make_trains
    keras.utils.set_random_seed(5)
    os.makedirs(folder, exist_ok=True)
    build_generator(EQ_SHAPE, EQ_LATENT, n_classes=CLASSES, widths=EQ_GW).save(f'{folder}/eq_generator.keras')
    build_critic(EQ_SHAPE, widths=EQ_CW, n_classes=CLASSES).save(f'{folder}/eq_critic.keras')
    t = make_trains(2 * EQ_B, size=76, seed=3)
    r = np.random.default_rng(11)
    b = EQ_B
    np.savez(f'{folder}/eq_inputs.npz', real=(t.images.astype(np.float32) / 127.5 - 1).reshape(2, b, *EQ_SHAPE),
             labels=t.labels.astype(np.int32).reshape(2, b),
             c_z=r.standard_normal((2, b, EQ_LATENT)).astype(np.float32), c_idx=r.integers(0, 3, (2, b)).astype(np.int32),
             c_alpha=r.uniform(size=(2, b, 1, 1, 1)).astype(np.float32),
             g_z=r.standard_normal((b, EQ_LATENT)).astype(np.float32), g_idx=r.integers(0, 3, b).astype(np.int32),
             g_shift=r.integers(0, 5, (b, 2)).astype(np.int32), g_blur=r.uniform(0, 0.5, (b, 1, 1, 1)).astype(np.float32),
             g_noise=r.standard_normal((b, *EQ_SHAPE)).astype(np.float32))

GROUPS = ('g_tv', 'g_ntv', 'd_tv', 'd_opt', 'g_opt')

def _snap_tf(G, D, gan):
    "TF side's state in the port's layout: generator / critic variables, both optimizers' variables."
    arr = lambda vs: [np.asarray(v) for v in vs]
    return dict(g_tv=arr(G.trainable_variables), g_ntv=arr(G.non_trainable_variables), d_tv=arr(D.trainable_variables),
                d_opt=arr(gan.critic_optimizer.variables), g_opt=arr(gan.generator_optimizer.variables))

def _eq_tf(folder, guide_path, warmup, per_step, ramp=0):
    """synthview's own WGANGP (TF), keras.random replaced by the saved numbers: two critic steps, one generator step;
    the state after each step is kept."""
    import keras, tensorflow as tf
    from synthview.gan import WGANGP
    from synthview.classifier import load_classifier
    d = dict(np.load(f'{folder}/eq_inputs.npz'))
    queue = [d['c_z'][0], d['c_idx'][0], d['c_alpha'][0], d['c_z'][1], d['c_idx'][1], d['c_alpha'][1],
             d['g_z'], d['g_idx'], d['g_shift'], d['g_blur'], d['g_noise']]   # _sample, critic_step, augment_images's order
    def fake(kind):
        def f(shape, *args, **kwargs):
            v = queue.pop(0)
            assert tuple(int(s) for s in np.asarray(shape)) == v.shape, (kind, shape, v.shape)
            return tf.constant(v)
        return f
    for kind in ('normal', 'uniform', 'randint'): setattr(keras.random, kind, fake(kind))
    G = _load_keras(f'{folder}/eq_generator.keras', safe_mode=True)
    D = _load_keras(f'{folder}/eq_critic.keras', safe_mode=True)
    gan = WGANGP(G, D, classifier=load_classifier(guide_path), conditional=True, n_critic=2, fresh_real=True,
                 guidance_warmup=warmup, guidance_ramp=ramp, seed=0)                              # the defaults: balanced 3, cap 0.9, augment
    gan.compile(learning_rate=3e-4, generator_learning_rate=1e-4)
    out, snaps = {}, [_snap_tf(G, D, gan)]
    for i in range(2):
        loss, gp, w = gan.critic_step(tf.constant(d['real'][i]), tf.one_hot(d['labels'][i], CLASSES))
        out.update({f'critic_loss{i}': float(loss), f'gp{i}': float(gp), f'w_distance{i}': float(w)})
        snaps.append(_snap_tf(G, D, gan))
    g_loss, cls_loss, share, prob, scale = gan.generator_step(EQ_B)
    assert not queue, f'{len(queue)} random draws unused'
    out.update(generator_loss=float(g_loss), guidance_loss=float(cls_loss), target_share=float(share),
               target_prob=float(prob), guidance_scale=float(scale))
    snaps.append(_snap_tf(G, D, gan))
    return out, snaps

def _eq_jax(folder, guide_path, warmup, per_step, ramp=0):
    """The port (JAX), from the same files and numbers; per_step: each step starts from the TF side's state before it
    (so one step is compared at a time), else the port runs on its own from the start."""
    import keras, jax, jax.numpy as jnp
    d = dict(np.load(f'{folder}/eq_inputs.npz'))
    G = _load_keras(f'{folder}/eq_generator.keras', safe_mode=True)
    D = _load_keras(f'{folder}/eq_critic.keras', safe_mode=True)
    C = _load_keras(guide_path, safe_mode=True, compile=False)
    step = GANStep(G, D, C, guidance_warmup=warmup, guidance_ramp=ramp)
    state = step.initial_state()
    tf_snaps = np.load(f'{folder}/eq_tensorflow_w{warmup}{_ramp_tag(ramp)}.npz') if per_step else None
    def from_tf(state, k):
        if tf_snaps is None: return state
        return dict(state, **{g: [jnp.asarray(tf_snaps[f'{k}_{g}_{j}']) for j in range(len(state[g]))] for g in GROUPS})
    snap = lambda st: {g: [np.asarray(v) for v in st[g]] for g in GROUPS}
    out, snaps = {}, [snap(state)]
    for i in range(2):
        state = from_tf(state, i)
        state, l = jax.jit(step.critic_step)(state, d['real'][i], jax.nn.one_hot(d['labels'][i], CLASSES), d['c_z'][i], d['c_alpha'][i])
        out.update({f'critic_loss{i}': float(l['critic_loss']), f'gp{i}': float(l['gp']), f'w_distance{i}': float(l['w_distance'])})
        snaps.append(snap(state))
    state = from_tf(state, 2)
    state, l = jax.jit(step.generator_step)(state, d['g_z'], d['g_idx'], d['g_shift'], d['g_blur'], d['g_noise'])
    out.update({k: float(v) for k, v in l.items()})
    snaps.append(snap(state))
    return out, snaps

def _eq_ref64(folder):
    """A float64 reference (JAX with x64, the critic rebuilt in float64) of the first critic step's gradient,
    d(w_loss + 10 gp)/d(critic weights) on the same real batch, fakes and interpolation factors."""
    import jax; jax.config.update('jax_enable_x64', True)
    import jax.numpy as jnp, keras
    d = dict(np.load(f'{folder}/eq_inputs.npz'))
    D32 = _load_keras(f'{folder}/eq_critic.keras', safe_mode=True)
    D = keras.models.model_from_json(D32.to_json().replace('"float32"', '"float64"'))
    D.set_weights([w.astype(np.float64) for w in D32.get_weights()])
    G = _load_keras(f'{folder}/eq_generator.keras', safe_mode=True)
    y32 = np.eye(CLASSES, dtype=np.float32)[d['labels'][0]]
    fake = np.asarray(G([d['c_z'][0], y32], training=True)).astype(np.float64)
    real, alpha, y = d['real'][0].astype(np.float64), d['c_alpha'][0].astype(np.float64), y32.astype(np.float64)
    def loss(tv):
        score = lambda x: D.stateless_call(tv, [], [x, y], training=True)[0]
        g = jax.grad(lambda x: jnp.sum(score(x)))(real + alpha * (fake - real))
        gp = jnp.mean(jnp.square(jnp.sqrt(jnp.sum(jnp.square(g), axis=(1, 2, 3)) + 1e-10) - 1.0))
        return jnp.mean(score(fake)) - jnp.mean(score(real)) + 10.0 * gp
    grads = jax.grad(loss)([jnp.asarray(np.asarray(v)) for v in D.trainable_variables])
    np.savez(f'{folder}/eq_ref64.npz', *[np.asarray(g) for g in grads])

def _vs_ref64(folder, snap):
    """Max over the critic's variables of max|g - g64| / max|g64|, g read from Adam's first moment after the first
    critic step (m = (1 - beta_1) g = 0.5 g; the moments sit at optimizer.variables[2 + 2 i])."""
    ref = np.load(f'{folder}/eq_ref64.npz')
    errs = []
    for i in range(len(ref.files)):
        g64 = ref[f'arr_{i}']
        m = snap[f'1_d_opt_{2 + 2 * i}']
        assert m.shape == g64.shape, (i, m.shape, g64.shape)
        if np.abs(g64).max() > 0: errs.append(float(np.abs(m / 0.5 - g64).max() / np.abs(g64).max()))
    return float(f'{max(errs):.3g}')

def _ramp_tag(ramp): return f'_r{ramp}' if ramp else ''

def equivalence_side(folder, guide_path, warmup, backend, per_step, ramp=0):
    if backend == 'jax64': return _eq_ref64(folder)
    logs, snaps = (_eq_jax if backend == 'jax' else _eq_tf)(folder, guide_path, warmup, per_step, ramp)
    name = f'{folder}/eq_{backend}_w{warmup}{_ramp_tag(ramp)}' + ('_per_step' if backend == 'jax' and per_step else '') + '.npz'
    np.savez(name, logs=json.dumps(logs), **{f'{k}_{g}_{j}': v for k, sn in enumerate(snaps) for g in GROUPS for j, v in enumerate(sn[g])})

def _compare(tf_, jx):
    """Max abs differences of the logs and of the state after each step; for the weights also how many entries differ
    by more than 1e-5 (Adam's first step moves a weight by about +-lr whatever the size of its gradient: a gradient at
    round-off level can flip its sign, so a few entries may differ by up to 2 lr while the gradients agree)."""
    lt, lj = json.loads(str(tf_['logs'])), json.loads(str(jx['logs']))
    logs = {k: float(f'{abs(lt[k] - lj[k]):.3g}') for k in lt}
    rel = {k: float(f'{abs(lt[k] - lj[k]) / max(1e-6, abs(lt[k])):.3g}') for k in lt}
    states = {}
    for s in (1, 2, 3):
        r = {}
        for g in GROUPS:
            ks = sorted((k for k in tf_.files if k.startswith(f'{s}_{g}_')), key=lambda k: int(k.rsplit('_', 1)[1]))
            diffs = [np.abs(tf_[k].astype(np.float64) - jx[k]) for k in ks]
            scale = max(float(np.max(np.abs(tf_[k]))) for k in ks)
            r[g] = dict(max_abs_diff=float(f'{max(float(x.max()) for x in diffs):.3g}'), max_abs=float(f'{scale:.3g}'))
            if g in ('g_tv', 'd_tv'):
                r[g]['entries'] = int(sum(x.size for x in diffs))
                r[g]['entries_off_by_more_than_1e-5'] = int(sum(int((x > 1e-5).sum()) for x in diffs))
        states[['before', 'critic_step_1', 'critic_step_2', 'generator_step'][s]] = r
    return dict(tensorflow=lt, jax=lj, max_abs_diff_logs=logs, rel_diff_logs=rel, state_after=states)


if __name__ == '__main__':
    import argparse, subprocess, sys
    p = argparse.ArgumentParser()
    p.add_argument('what', choices=['equivalence', 'side', 'tf-speed'])
    p.add_argument('--folder', default='.devin/eq')
    p.add_argument('--guide', default='synthview/models/trains-classifier/classifier.keras')
    p.add_argument('--backend', default='tensorflow')
    p.add_argument('--warmup', type=int, default=0)
    p.add_argument('--ramp', type=int, default=0)
    p.add_argument('--per-step', type=int, default=0)
    p.add_argument('--init', default='.devin/init')
    p.add_argument('--model', default='gan76s')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--seconds', type=float, default=60)
    p.add_argument('--n', type=int, default=3000)
    a = p.parse_args()
    if a.what == 'side':
        equivalence_side(a.folder, a.guide, a.warmup, a.backend, a.per_step, a.ramp); sys.exit(0)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if a.what == 'equivalence':
        _eq_setup(a.folder)
        res = {}
        for warmup, ramp in ((0, 0), (1, 0), (0, 4)):   # guidance on at the first generator step, off (warm-up), a quarter (ramp)
            for backend, per_step in (('tensorflow', 0), ('jax', 1), ('jax', 0)):
                env = {k: v for k, v in os.environ.items() if k != 'KERAS_BACKEND'}
                if backend == 'jax': env['KERAS_BACKEND'] = 'jax'
                subprocess.run([sys.executable, __file__, 'side', '--folder', a.folder, '--guide', a.guide, '--warmup', str(warmup), '--ramp', str(ramp),
                                '--backend', backend, '--per-step', str(per_step)], env=env, check=True)
            tag = f'w{warmup}{_ramp_tag(ramp)}'
            tf_ = np.load(f'{a.folder}/eq_tensorflow_{tag}.npz')
            res[f'guidance_warmup_{warmup}' + (f'_ramp_{ramp}' if ramp else '')] = dict(
                each_step_from_the_same_state=_compare(tf_, np.load(f'{a.folder}/eq_jax_{tag}_per_step.npz')),
                three_steps_chained=_compare(tf_, np.load(f'{a.folder}/eq_jax_{tag}.npz')))
        env = {k: v for k, v in os.environ.items() if k != 'KERAS_BACKEND'}; env['KERAS_BACKEND'] = 'jax'
        subprocess.run([sys.executable, __file__, 'side', '--folder', a.folder, '--backend', 'jax64'], env=env, check=True)
        ref64 = dict(what="the first critic step's gradient (read from Adam's first moment) against a float64 reference of the same loss "
                          "(JAX x64, the critic rebuilt in float64): max over variables of max|g - g64| / max|g64|",
                     tensorflow_synthview=_vs_ref64(a.folder, np.load(f'{a.folder}/eq_tensorflow_w0.npz')),
                     jax_port=_vs_ref64(a.folder, np.load(f'{a.folder}/eq_jax_w0.npz')))
        per = [r['each_step_from_the_same_state'] for r in res.values()]
        from _results import write_line
        line = write_line(dict(
            what='two critic steps and one generator step of synthview WGANGP (TF, its own code) and of benchmarks/gan_jax.py (KERAS_BACKEND=jax) '
                 'from the same .keras weights and the same random numbers (latents, labels, interpolation factors, augmentation shifts, blur '
                 "mixes and noise injected into synthview's keras.random calls), train_gan's recipe: projection critic on the real labels, a "
                 'fresh real batch per critic step, gp 10, Adam 3e-4 / 1e-4 (0.5, 0.9), guidance balanced 3, cap 0.9, through augmentations; '
                 'guidance_warmup 0 (guidance on), 1 (off at this step) and 0 with guidance_ramp 4 (a quarter of the weight at this step). each_step_from_the_same_state: every step of the port starts '
                 "from TF's state before it; three_steps_chained: the port alone from the start. State groups: g_tv/g_ntv generator trainable / "
                 'batch-norm statistics, d_tv critic, d_opt/g_opt the Adams (iterations, learning rate, first and second moments)',
            networks=dict(image_shape=list(EQ_SHAPE), latent_dim=EQ_LATENT, generator_widths=list(EQ_GW), critic_widths=list(EQ_CW),
                          batch_size=EQ_B, guide='synthview/models/trains-classifier/classifier.keras'),
            losses_within_1e5th_relative=bool(all(v <= 1e-5 for r in per for v in r['rel_diff_logs'].values())),
            critic_gradient_vs_float64=ref64, **res), 'gan_jax', write=False)
        line['command'] = 'python benchmarks/gan_jax.py ' + ' '.join(sys.argv[1:])
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'gan_jax_equivalence.jsonl'), 'a') as f:
            f.write(json.dumps(line) + '\n')
    elif a.what == 'tf-speed':
        # synthview's own TF step (WGANGP.fit, train_gan's recipe) on the same networks and batch as the JAX run
        import keras, tensorflow as tf
        from synthview.gan import WGANGP
        from synthview.classifier import load_classifier
        from synthview.trains import make_trains
        t = make_trains(a.n, size=76, seed=100)
        G = _load_keras(f'{a.init}/{a.model}_generator.keras', safe_mode=True)
        D = _load_keras(f'{a.init}/{a.model}_critic.keras', safe_mode=True)
        gan = WGANGP(G, D, classifier=load_classifier(f'{a.init}/{a.model}_guide.keras', output='logits', input_range=(-1, 1)),
                     conditional=True, n_critic=2, fresh_real=True, guidance_warmup=0, seed=0)
        gan.compile(learning_rate=3e-4, generator_learning_rate=1e-4)
        per = a.batch_size * 2
        ds = tf.data.Dataset.from_tensor_slices((t.images.astype(np.float32) / 127.5 - 1, t.labels)).repeat().batch(per, drop_remainder=True)
        class Clock(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                self.t = getattr(self, 't', []) + [time.perf_counter()]
                if self.t[-1] - self.t[0] > a.seconds: self.model.stop_training = True
        clock = Clock()
        gan.fit(ds, steps_per_epoch=100000, epochs=1, verbose=0, callbacks=[clock])
        ts = clock.t[2:]
        ips = (len(ts) - 1) * per / (ts[-1] - ts[0])
        from _results import write_line
        write_line(dict(what="synthview WGANGP.fit (TensorFlow) on the tiny run's networks and batch (train_gan's recipe), steady-state real images/s",
                        model=a.model, batch_size=a.batch_size, real_images_per_step=per, generator_steps=len(ts) - 1,
                        images_per_second=round(ips, 1), backend='tensorflow', tf=tf.__version__,
                        onednn=os.environ.get('TF_ENABLE_ONEDNN_OPTS')), 'gan_jax', write=False)

"""Shared by the trains GAN benchmarks: a `train_gan` run rebuilt from its folder, a second phase (`init=`) included."""
import json
from pathlib import Path
from synthview.gan import WGANGP, load_gan_run, _REBUILD_KEYS
from synthview.vae import build_encoder

def rebuild_run(run_dir, guide, init_run=None):
    """The run's whole GAN and the weights file loaded: its gan.weights.h5, else its last good checkpoint (a run stopped
    early). A second phase (started with --init-run) has the first run's networks: they are built from that run's
    config, then given this run's settings (an encoder when it has reconstruction_weight) and weights."""
    run_dir = Path(run_dir)
    if not init_run:
        gan = load_gan_run(run_dir, guide)
        return gan, gan.weights_file
    prev = load_gan_run(init_run, guide)
    cfg = json.loads((run_dir/'config.json').read_text())
    enc = (build_encoder(tuple(cfg['image_shape']), prev.latent_dim, widths=cfg.get('encoder_widths'), name='gan_encoder')
           if cfg.get('reconstruction_weight') else None)
    gan = WGANGP(prev.generator, prev.critic, encoder=enc, classifier=guide, target=cfg.get('target'), seed=cfg['seed'],
                 **{k: cfg[k] for k in _REBUILD_KEYS if k in cfg})
    gan.compile()
    w = run_dir/'gan.weights.h5'
    if not w.is_file(): w = run_dir/'checkpoints'/'last_good.weights.h5'
    gan.load_weights(str(w))
    return gan, w

"The README's main-job command (`synthview demo`), every subcommand's --help, and the CLI's handling of bad input, run as real processes."
import json, os, re, shutil, subprocess, sys, time
import numpy as np
from pathlib import Path
import pytest

SUBCOMMANDS = ('demo', 'train-classifier', 'train-oracle', 'train-gan', 'train-vae', 'frontier', 'generate', 'report')


def run(*args, timeout=600, cwd=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', MPLBACKEND='Agg')
    return subprocess.run(['synthview', *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)


def test_help_is_quick_and_lists_subcommands():
    t = time.time(); r = run('--help')
    assert r.returncode == 0 and all(s in r.stdout for s in SUBCOMMANDS), r.stdout
    assert time.time() - t < 5, 'synthview --help must not import TensorFlow'


@pytest.mark.parametrize('sub', SUBCOMMANDS)
def test_every_subcommand_has_help(sub):
    t = time.time(); r = run(sub, '--help')
    assert r.returncode == 0 and r.stdout.startswith(f'usage: synthview {sub}'), r.stderr
    assert time.time() - t < 5, f"synthview {sub} --help must not import TensorFlow"
    if sub != 'report': assert '--out' in r.stdout and '--resume' in r.stdout
    if sub not in ('report',): assert '--data' in r.stdout
    if sub in ('demo', 'train-classifier', 'train-gan', 'train-vae'): assert 'multiworker' in r.stdout


def test_demo_tiny(tmp_path):
    """The main job with --train (everything trained from scratch) end to end at tiny settings: procedural trains -> classifier -> oracle -> guided GAN with its gallery ->
    VAE -> frontiers -> gradient baselines -> synthetic dataset -> report.html, each step timed in config.json; the oracle's
    verdict stands beside every acceptance and hit rate; then --resume keeps every step."""
    out = tmp_path/'demo'
    args = ['demo', '--train', '--n', '240', '--size', '32', '--classifier-epochs', '1', '--gan-epochs', '1', '--vae-epochs', '1',
            '--n-per-class', '3', '--min-confidence', '0', '--out', str(out), '--quiet']
    r = run(*args)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'test accuracy:' in r.stdout and 'demo finished in' in r.stdout
    m = json.loads((out/'classifier'/'metrics.json').read_text())
    assert len(m['confusion']) == len(m['class_names']) == 3
    assert m['test_accuracy'] == pytest.approx(np.trace(m['confusion']) / np.sum(m['confusion']))   # the accuracy is the confusion matrix's
    assert sum(map(sum, m['confusion'])) == 48                 # 20 % of 240 held out for the test
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['data']['data'] == 'trains' and cfg['data']['size'] == 32
    assert [k for k, v in cfg['steps'].items() if v['status'] == 'done'] == ['classifier', 'oracle', 'gan', 'vae', 'frontier', 'attribution', 'generate', 'report']
    assert all(v['seconds'] > 0 for v in cfg['steps'].values()) and cfg['demo_seconds'] > 0
    assert (out/'gan'/'gallery'/'index.json').is_file() and (out/'gan'/'generator.keras').is_file()
    assert (out/'vae'/'vae.keras').is_file() and (out/'frontier'/'analysis.npz').is_file()
    # the oracle: trained right after the classifier (as many epochs), then judging the gallery, the dataset and the hit rate
    om = json.loads((out/'oracle'/'metrics.json').read_text())
    assert (out/'oracle'/'classifier.keras').is_file() and om['class_names'] == m['class_names'] and om['epochs'] == 1 and om['seed'] == 1
    assert om['n_test'] == 48 and "picks the classifier's class on" in r.stdout
    assert om['classifier_accuracy'] == pytest.approx(m['test_accuracy'])            # the same classifier on the same test images
    assert om['agreement_on_real'] * 48 == pytest.approx(round(om['agreement_on_real'] * 48))   # a share of the 48 test images
    assert abs(om['test_accuracy'] - om['classifier_accuracy']) <= 1 - om['agreement_on_real'] + 1e-9   # where they agree, both are right or wrong
    gal = json.loads((out/'gan'/'gallery'/'index.json').read_text())
    assert gal['oracle'] == 'oracle' and all(rec['oracle'] == 'oracle' and len(rec['oracle_agreement']) == len(rec['fooling_gap']) == 3 for rec in gal['epochs'])
    assert all(x is None or 0 <= x <= 1 for rec in gal['epochs'] for x in rec['oracle_agreement'])
    assert all(f'GAN {c}: acceptance' in r.stdout for c in m['class_names']) and 'oracle agreement' in r.stdout and 'no oracle' not in r.stdout
    assert 'oracle_agreement' in json.loads((out/'metrics.json').read_text())
    manifest = json.loads((out/'dataset'/'manifest.json').read_text())
    assert manifest['oracle'] == 'oracle' and all('fooling_gap' in a for a in manifest['acceptance'].values())
    assert manifest['class_names'] == m['class_names'] and len(manifest['rows']) == len(list((out/'dataset').rglob('*.png')))
    page = (out/'report.html').read_text()
    assert page.startswith('<!DOCTYPE html>') and 'data:image/png;base64,' in page and not re.search(r'src="(?!data:)', page)
    for section in ('classifier', 'gan', 'latent', 'dataset', 'config'): assert f'id="{section}"' in page, section
    # again with --resume: nothing is trained again
    r2 = run(*args, '--resume')
    assert r2.returncode == 0, r2.stderr[-3000:]
    assert r2.stdout.count('already done') == 7, r2.stdout
    # --no-oracle: the run's oracle is left out, and the acceptances say there is none
    out2 = tmp_path/'no_oracle'
    shutil.copytree(out/'classifier', out2/'classifier'); shutil.copytree(out/'oracle', out2/'oracle')
    (out2/'config.json').write_text(json.dumps(dict(cfg, steps={k: cfg['steps'][k] for k in ('classifier', 'oracle')})))
    r3 = run('train-gan', '--epochs', '1', '--batch-size', '32', '--generator-widths', '16,8', '--critic-widths', '8,16', '--n-critic', '1',
             '--gallery-seeds', '8', '--no-oracle', '--out', str(out2), '--quiet')
    assert r3.returncode == 0, r3.stderr[-3000:]
    assert all(f'GAN {c}: acceptance' in r3.stdout for c in m['class_names']) and r3.stdout.count('(no oracle)') == 3, r3.stdout
    assert not any('oracle_agreement' in rec for rec in json.loads((out2/'gan'/'gallery'/'index.json').read_text())['epochs'])


def test_demo_zoo(tmp_path):
    """The README's main job as it runs by default: the zoo's pretrained trains models (classifier, oracle, conditional
    GAN with its critic, VAE), measured on the run's own test trains, a short guided fine-tune of the pretrained GAN
    (one epoch here) with its epoch gallery, then frontiers, gradient baselines, the synthetic dataset (from the VAE on
    the trains: ZOO_DEMO) and the report; a much smaller --n than the default. A --size the zoo's models were not trained at is refused with the
    entry named, before anything is written."""
    out = tmp_path/'demo'
    r = run('demo', '--n', '60', '--n-per-class', '3', '--gan-epochs', '1', '--gan-batch-size', '16', '--out', str(out), '--quiet')
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'demo finished in' in r.stdout and 'no pretrained' not in r.stdout
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['zoo'] == dict(classifier='trains-classifier', oracle='trains-oracle', gan='trains-conditional-gan', vae='trains-vae')
    assert cfg['data']['size'] == 76 and cfg['data']['n'] == 60
    assert [k for k, v in cfg['steps'].items() if v['status'] == 'done'] == ['classifier', 'oracle', 'gan', 'vae', 'frontier', 'attribution', 'generate', 'report']
    m, om = (json.loads((out/d/'metrics.json').read_text()) for d in ('classifier', 'oracle'))
    assert sum(map(sum, m['confusion'])) == 12 and m['test_accuracy'] >= 0.9    # the pretrained classifier on 12 fresh test trains (card: 0.998)
    assert m['zoo']['entry'] == 'trains-classifier' and m['zoo']['figures']['test_accuracy'] >= 0.98
    assert om['zoo']['entry'] == 'trains-oracle' and om['agreement_on_real'] >= 0.9 and om['n_test'] == 12
    assert (out/'classifier'/'classifier.keras.json').is_file()                 # the class names came with it
    gcfg = json.loads((out/'gan'/'config.json').read_text())
    assert gcfg['init'] == ['generator', 'critic'] and gcfg['epochs'] == 1 and gcfg['image_shape'] == [76, 76, 3]   # fine-tuned from the zoo's pair
    assert (gcfg['loss'], gcfg['gp_weight'], gcfg['gp_every'], gcfg['n_critic']) == ('logistic', 0.1, 4, 1)   # with the entry's own recipe (ZOO_FINETUNE_LOGISTIC)
    assert (out/'gan'/'gallery'/'epoch_0001.png').is_file() and (out/'gan'/'generator.keras').is_file()
    assert json.loads((out/'dataset'/'manifest.json').read_text())['source'].startswith('trains_vae')   # the trains dataset comes from the VAE (ZOO_DEMO)
    assert (out/'report.html').is_file() and 'trains-conditional-gan' in (out/'report.html').read_text()
    assert 'A classifier-conditional GAN with the non-saturating loss' in (out/'report.html').read_text()   # the report names the fine-tune's loss
    r2 = run('demo', '--size', '38', '--out', str(tmp_path/'other'), '--quiet')
    assert r2.returncode == 2 and "zoo entry 'trains-classifier'" in r2.stderr and 'images (76, 76)' in r2.stderr, r2.stderr
    assert not (tmp_path/'other'/'classifier'/'classifier.keras').exists()


def test_train_gan_unconditional_toward_target(tmp_path, capsys):
    """`train-gan --unconditional --target` trains one generator without a label input, guided toward the target class
    only (its gallery too); `--unconditional` without `--target` is refused; `--target` alone guides a conditional
    generator toward those classes. In process, at tiny settings (the demo test runs the default, conditional on all)."""
    import keras
    from synthview.cli import main
    out = tmp_path/'run'
    tiny = ['--out', str(out), '--quiet']
    assert main(['train-classifier', '--data', 'trains', '--n', '60', '--size', '32', '--epochs', '1', '--batch-size', '32'] + tiny) == 0
    gan = ['train-gan', '--epochs', '1', '--batch-size', '16', '--generator-widths', '8,8', '--critic-widths', '8,8', '--n-critic', '1',
           '--gallery-seeds', '4', '--no-oracle'] + tiny
    assert main(gan + ['--unconditional']) == 2
    assert '--target: expected the class(es) to guide an --unconditional GAN toward, got none' in capsys.readouterr().err
    assert not (out/'gan').exists()
    assert main(gan + ['--unconditional', '--target', 'TypeB']) == 0
    cfg = json.loads((out/'gan'/'config.json').read_text())
    assert (cfg['conditional'], cfg['classes'], cfg['gallery_classes']) == (False, [1], [1])
    assert json.loads((out/'config.json').read_text())['steps']['gan']['settings']['unconditional'] is True
    g = keras.saving.load_model(out/'gan'/'generator.keras', safe_mode=True, compile=False)
    assert len(g.inputs) == 1                                      # the latent only: no label input
    shutil.rmtree(out/'gan')
    assert main(gan + ['--target', 'TypeA,TypeC', '--resume']) == 0   # conditional (the default), guided toward two of the three classes
    cfg = json.loads((out/'gan'/'config.json').read_text())
    assert (cfg['conditional'], cfg['classes'], cfg['gallery_classes']) == (True, [0, 2], [0, 2])
    g = keras.saving.load_model(out/'gan'/'generator.keras', safe_mode=True, compile=False)
    assert len(g.inputs) == 2 and g.inputs[1].shape[-1] == 3       # latent and a one-hot label over the classifier's 3 classes


def test_demo_default_out_never_overwrites(tmp_path):
    "Without --out the demo writes runs/demo, or runs/demo-2 ... when that exists (so the README command can be run twice)."
    (tmp_path/'runs'/'demo').mkdir(parents=True)
    r = run('demo', '--n', '2', cwd=tmp_path)                   # stops at the data, after choosing its folder
    assert r.returncode == 2 and 'runs/demo-2' in r.stdout, (r.stdout, r.stderr)


@pytest.mark.parametrize('args,msg', [
    (('demo', '--n', '2'), 'expected an integer in [6, inf], got 2'),
    (('demo', '--gan-epochs', 'many'), "invalid int value: 'many'"),
    (('demo', '--strategy', 'mirored'), "invalid choice: 'mirored'"),
    (('train-classifier', '--data', 'fashion-mnst'), "did you mean 'fashion-mnist'"),
    (('train-classifier', '--data', 'fashion-mnist', '--data-path', '/nonexistent'), "without train-images-idx3-ubyte.gz"),
    (('train-classifier', '--epochs', '0', '--n', '60', '--size', '32'), '--epochs: expected an integer in [1, inf], got 0'),
    (('train-classifier', '--dropout', '1.5', '--n', '60', '--size', '32'), '--dropout: expected a finite number in [0, 0.9], got 1.5'),
    (('demo', '--oracle-epochs', 'few'), "invalid int value: 'few'"),
    (('train-oracle',), "train-classifier' with this --out first"),
    (('train-gan',), "train-classifier' with this --out first"),
    (('train-vae', '--data', '/nonexistent/folder'), "--data: expected one of 'trains', 'fashion-mnist', 'an existing folder'"),
    (('frontier',), "train-classifier' with this --out first"),
    (('generate', '--min-confidence', 'high'), "invalid float value: 'high'"),
    (('generate',), "train-classifier' with this --out first"),
    (('report', '/nonexistent/run'), 'RUN: expected an existing run folder'),
    (('report',), 'the following arguments are required: RUN'),
    (('train-classifier', '--resume', '--size', 'big'), "invalid int value: 'big'"),
    (('dmeo',), "invalid choice: 'dmeo'"),
])
def test_bad_arguments_give_one_line_errors(args, msg, tmp_path):
    extra = ('--out', str(tmp_path/'x')) if args[0] not in ('dmeo', 'report') else ()
    r = run(*args, *extra)
    assert r.returncode == 2, (r.returncode, r.stderr[-1000:])
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith('synthview: error:') and msg in lines[0], r.stderr[-1000:]

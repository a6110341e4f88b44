"""Explanation fidelity (issue 15) on the real trains, beyond the notebooks' closed-form cases: every in-place part
intervention on sampled trains changes pixels, and only inside the region it reports; removing a wagon redraws the
same train without it; the renderer decoder round-trips sampled trains exactly and draws only valid trains from its
prior; Grad-CAM finds the rectified last convolution of the built-in classifier and localises a part a fixed CNN
detects; occlusion and the interventions agree on a colour detector. Small images, fixed weights, no training."""
import os
import numpy as np
import pytest

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')


def _region_mask(boxes, size):
    m = np.zeros((size, size), bool)
    for x0, y0, x1, y1 in boxes: m[y0:y1, x0:x1] = True
    return m


def test_in_place_interventions_stay_in_their_region():
    from synthview.trains import sample_trains, render_trains, render_interventions
    ts = sample_trains(12, seed=21)
    size = 64                                                   # not the grid: boxes are scaled like the pixels
    base, _ = render_trains(ts, size)
    ims, rows = render_interventions(ts, size)
    kinds = set()
    for im, r in zip(ims, rows):
        if r['kind'] == 'remove': continue
        changed = (im != base[r['image']]).any(-1)
        assert changed.any(), r                                 # an intervention that draws the same image would measure nothing
        assert not (changed & ~_region_mask(r['boxes'], size)).any(), r
        kinds.add(r['kind'])
    assert kinds == {'loads', 'roof', 'wheels', 'colour', 'wall'}


def test_remove_draws_the_same_train_without_the_wagon():
    from synthview.trains import sample_trains, intervene, classify_train
    for t in sample_trains(20, seed=22):
        for k in range(1, len(t['wagons']) + 1):
            n = intervene(t, k, 'remove')
            if len(t['wagons']) == 1: assert n is None; continue
            assert n['wagons'] == t['wagons'][:k - 1] + t['wagons'][k:]
            assert n['background'] == t['background'] and n['position']['x'] == t['position']['x']
            assert (n['type'] is None and classify_train(n) == -1) or n['type'] == ['TypeA', 'TypeB', 'TypeC'][classify_train(n)]


def test_train_decoder_round_trip_and_prior():
    from synthview.core import to_canonical
    from synthview.trains import TrainDecoder, sample_trains, render_trains, check_train
    ts = sample_trains(15, seed=23)
    dec = TrainDecoder(ts[0], size=48)
    same = [dict(t, background=ts[0]['background'], direction=ts[0]['direction'], locomotive=dict(ts[0]['locomotive']),
                 position=dict(t['position'], rail_y=ts[0]['position']['rail_y'])) for t in ts]
    z = dec.codes(same)
    assert np.array_equal(dec.decode(z), to_canonical(render_trains(same, 48)[0]))
    assert np.array_equal(dec.decode(z + np.random.default_rng(0).uniform(-1e-3, 1e-3, z.shape)), dec.decode(z))   # bin centres: robust
    prior = dec.attributes(np.random.default_rng(1).normal(size=(300, dec.latent_dim)))
    for t in prior: check_train(t)
    assert {t['type'] for t in prior} >= {'TypeA', 'TypeB', 'TypeC'}


def test_grad_cam_on_the_builtin_classifier_and_a_part_detector():
    import keras
    from synthview.classifier import Classifier, build_classifier
    from synthview.attribution import cam_layer, grad_cam, mass_in_boxes
    from synthview.trains import sample_trains, render_trains, WAGON_COLOURS
    m = build_classifier((32, 32, 3), 3, widths=(4, 8))
    assert cam_layer(Classifier(m, ['a', 'b', 'c'])) == 'relu1_1'          # the last conv, through its BN and ReLU
    # a fixed CNN with two channels, one lit by the red wagon colour, one by the blue: the 'red' logit reads only the first.
    # Grad-CAM's gradient weights silence the blue channel; a plain channel sum (no weights) would light the blue wagons too.
    red, blue = (np.array(WAGON_COLOURS[c], np.float32) / 127.5 - 1 for c in ('red', 'blue'))
    near = lambda x, c: -keras.ops.sum(keras.ops.square(x - c), -1, keepdims=True)
    inp = keras.Input((76, 76, 3))
    d = keras.layers.Conv2D(2, 1, name='match')(keras.layers.Lambda(lambda x: keras.ops.concatenate([near(x, red), near(x, blue)], -1), name='sq')(inp))
    a = keras.layers.ReLU(name='act')(d)
    out = keras.layers.Dense(2, name='logits')(keras.layers.GlobalMaxPooling2D()(a))
    det = keras.Model(inp, out)
    det.get_layer('match').set_weights([np.eye(2, dtype=np.float32).reshape(1, 1, 2, 2), np.full(2, 0.01, np.float32)])   # > 0 only within 0.1 of the colour
    det.get_layer('logits').set_weights([np.array([[-50., 50.], [0., 0.]], np.float32), np.zeros(2, np.float32)])
    clf = Classifier(det, ['other', 'red'], output='logits')
    ts = sample_trains(6, seed=24)
    for t in ts:
        for k, w in enumerate(t['wagons']): w['colour'] = 'red' if k == 0 else 'blue'
    ims, bx = render_trains(ts, 76)
    x = ims.astype(np.float32) / 127.5 - 1
    g = grad_cam(clf, x, 'red')
    boxes = [[b['box'] for b in bl if b['part'] == 'wagon_1'] for bl in bx]
    assert (mass_in_boxes(g, boxes) > 0.95).all(), mass_in_boxes(g, boxes)


def test_occlusion_and_interventions_agree_on_a_colour_detector():
    from synthview.classifier import Classifier
    from synthview.data import ImageDataset
    from synthview.attribution import occlusion, part_interventions, intervention_scores
    from synthview.trains import sample_trains, render_trains, WAGON_COLOURS
    red = np.array(WAGON_COLOURS['red'], np.float32) / 127.5 - 1
    def detector(x):
        r = (np.abs(np.asarray(x) - red).max(-1) < 0.01).mean((1, 2)) * 50       # more red pixels, more sure
        p = 1 / (1 + np.exp(-(r * 10 - 1)))
        return np.stack([1 - p, p], 1).astype(np.float32)
    clf = Classifier(detector, ['other', 'red'], output='probs')
    ts = [t for t in sample_trains(10, seed=25) if len(t['wagons']) >= 2][:4]
    for t in ts:
        for k, w in enumerate(t['wagons']): w['colour'] = 'red' if k == 0 else 'green'
    ims, bx = render_trains(ts, 76)
    data = ImageDataset(ims, [1] * len(ts), ['other', 'red'], ts, bx)
    iv = part_interventions(clf, data)
    assert iv.flip[(iv.wagon == 1) & (iv.kind == 'colour')].all() and not iv.flip[iv.wagon > 1].any()
    oc = occlusion(clf, data.canonical(), 'red', patch=4, stride=4, score='prob')
    rows = {r['method']: r for r in intervention_scores({'occlusion': oc}, iv) if r['class'] == 'all'}
    assert rows['occlusion']['mass_in_flipping'] > 0.9, rows
    assert rows['occlusion']['rank_correlation'] > max(rows['chance']['rank_correlation'], 0.3), rows   # chance: the regions' areas

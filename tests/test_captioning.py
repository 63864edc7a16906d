"""Show-and-Tell captioning (rnncourse.scratch.captioning, rnncourse.torch.captioning), the 2-D convolution
under it, the captioned-image generators and BLEU. References: torch.nn.Conv2d and torch.nn.LSTM, float64
central differences, torch.autograd on the twin, nltk's BLEU, and the scene drawing itself."""
import warnings

import numpy as np
import pytest
import torch
from module_checks import assert_layer_matches_torch

from rnncourse.bleu import bleu_scores, corpus_bleu
from rnncourse.data.scenes import COLOURS, SHAPES, compositional_split, digit_strips, shape_scenes
from rnncourse.decoding import greedy_decode
from rnncourse.scratch import numerical_gradient, numerical_gradient_array, rel_error
from rnncourse.scratch.captioning import (
    DECODER_PARAMS,
    ShowAndTell,
    caption_decoder_backward,
    caption_decoder_forward,
    decoder_start_state,
    decoder_step,
)
from rnncourse.scratch.conv import Conv2d, conv2d_backward, conv2d_forward
from rnncourse.scratch.losses import masked_cross_entropy
from rnncourse.torch import captioning as tcap


# ---- convolution ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("B,C,P,Q,O,k,stride,padding,bias", [(2, 3, 9, 7, 4, 3, 2, 1, True), (1, 1, 8, 8, 2, 3, 1, 0, False),
                                                            (3, 2, 6, 10, 5, 2, 2, 0, True), (2, 2, 5, 5, 3, 5, 1, 2, True)])
def test_conv2d_equals_torch_conv2d_forward_and_backward(B, C, P, Q, O, k, stride, padding, bias):
    rng = np.random.default_rng(0)
    layer = Conv2d(C, O, k, stride, padding, bias=bias, rng=1)
    ref = torch.nn.Conv2d(C, O, k, stride, padding, bias=bias, dtype=torch.float64)
    x = rng.standard_normal((B, C, P, Q))
    dy = rng.standard_normal(ref(torch.tensor(x)).shape)
    assert_layer_matches_torch(layer, ref, x, dy, tol=1e-13)


def test_conv2d_backward_matches_central_differences():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    y, cache = conv2d_forward(x, w, b, stride=2, padding=1)
    dy = rng.standard_normal(y.shape)
    grads = conv2d_backward(dy, cache)
    for name, arr in (("x", x), ("weight", w), ("bias", b)):
        num = numerical_gradient_array(lambda: conv2d_forward(x, w, b, stride=2, padding=1)[0], arr, dy)
        assert rel_error(grads[name], num) < 1e-8, name


def test_twin_conv2d_equals_torch_conv2d():
    rng = np.random.default_rng(2)
    x, w, b = (torch.tensor(rng.standard_normal(s)) for s in ((2, 3, 8, 8), (5, 3, 3, 3), (5,)))
    ref = torch.nn.functional.conv2d(x, w, b, 2, 1)
    assert rel_error(tcap.conv2d(x, w, b, 2, 1).numpy(), ref.numpy()) < 1e-14


# ---- decoder pieces --------------------------------------------------------------------------------------
def decoder_args(seed, B=3, T=5, V=7, E=4, H=6):
    rng = np.random.default_rng(seed)
    args = {"features": rng.standard_normal((B, E)), "embed": rng.standard_normal((V, E)),
            "weight_ih": rng.standard_normal((4 * H, E)) * 0.5, "weight_hh": rng.standard_normal((4 * H, H)) * 0.5,
            "bias_ih": rng.standard_normal(4 * H) * 0.5, "bias_hh": rng.standard_normal(4 * H) * 0.5,
            "out_weight": rng.standard_normal((V, H)), "out_bias": rng.standard_normal(V)}
    return args, rng.integers(0, V, (B, T)), rng


def test_decoder_forward_equals_torch_lstm_fed_the_image_first():
    args, caps, _ = decoder_args(0)
    logits, _ = caption_decoder_forward(args["features"], caps, *(args[k] for k in DECODER_PARAMS))
    lstm = torch.nn.LSTM(4, 6, dtype=torch.float64)
    lstm.load_state_dict({f"{k}_l0": torch.tensor(args[k]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    x = torch.cat([torch.tensor(args["features"])[None], torch.tensor(args["embed"])[torch.tensor(caps)].transpose(0, 1)])
    hs, _ = lstm(x)
    ref = hs[1:].transpose(0, 1) @ torch.tensor(args["out_weight"]).T + torch.tensor(args["out_bias"])
    assert logits.shape == (3, 5, 7) and rel_error(logits, ref.detach().numpy()) < 1e-13


def test_decoder_backward_matches_central_differences():
    args, caps, rng = decoder_args(1)
    forward = lambda: caption_decoder_forward(args["features"], caps, *(args[k] for k in DECODER_PARAMS))[0]
    logits, cache = caption_decoder_forward(args["features"], caps, *(args[k] for k in DECODER_PARAMS))
    dlogits = rng.standard_normal(logits.shape)
    grads = caption_decoder_backward(dlogits, cache)
    for name, arr in args.items():
        assert rel_error(grads[name], numerical_gradient_array(forward, arr, dlogits, eps=1e-5)) < 1e-8, name


def test_masked_cross_entropy_equals_torch_cross_entropy_with_ignore_index():
    rng = np.random.default_rng(2)
    logits, targets = rng.standard_normal((4, 6, 9)), rng.integers(1, 9, (4, 6))
    targets[0, 2:] = 0
    targets[3, 4:] = 0
    loss, dlogits = masked_cross_entropy(logits, targets, pad=0)
    t = torch.tensor(logits, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(t.reshape(-1, 9), torch.tensor(targets).reshape(-1), ignore_index=0)
    ref.backward()
    assert abs(loss - ref.item()) < 1e-14 and rel_error(dlogits, t.grad.numpy()) < 1e-13
    assert np.all(dlogits[0, 2:] == 0)                                 # padding carries no gradient
    num = numerical_gradient(lambda: masked_cross_entropy(logits, targets)[0], logits)
    assert rel_error(dlogits, num) < 1e-8


def test_decoder_step_reproduces_teacher_forced_logits():
    """Decoding one token at a time from the start state gives the teacher-forced log-probabilities."""
    args, caps, _ = decoder_args(3, B=2)
    params = {k: args[k] for k in DECODER_PARAMS}
    logits, _ = caption_decoder_forward(args["features"], caps, *params.values())
    step, state = decoder_step(params), decoder_start_state(args["features"], params)
    for t in range(caps.shape[1]):
        log_probs, state = step(caps[:, t], state)
        expected = logits[:, t] - np.log(np.exp(logits[:, t]).sum(-1, keepdims=True))
        assert rel_error(log_probs, expected) < 1e-13


# ---- the whole model --------------------------------------------------------------------------------------
def small_model(seed=0):
    data = shape_scenes(3, seed=1)
    model = ShowAndTell((3, 16, 16), len(data.vocab), embed_size=5, hidden_size=4, channels=(2, 3), rng=seed)
    return model, data


def test_show_and_tell_gradients_equal_autograd_on_the_twin():
    model, data = small_model()
    loss = model.loss(data.images, data.tokens)
    model.backward()
    twin = tcap.ShowAndTell((3, 16, 16), len(data.vocab), 5, 4, (2, 3), dtype=torch.float64)
    assert sorted(twin.state_dict()) == sorted(model.params)
    twin.load_state_dict({k: torch.tensor(v) for k, v in model.params.items()})
    ref = twin.loss(torch.tensor(data.images), torch.tensor(data.tokens))
    ref.backward()
    assert abs(loss - ref.item()) < 1e-13
    for name, p in twin.named_parameters():
        assert rel_error(model.grads[name], p.grad.numpy()) < 1e-10, name


def test_encoder_backward_matches_central_differences():
    model, data = small_model(2)
    rng = np.random.default_rng(0)
    v, cache = model.encode(data.images)
    dv = rng.standard_normal(v.shape)
    model.encode_backward(dv, cache)
    for name in ("conv1_weight", "conv1_bias", "conv2_weight", "conv2_bias", "img_weight", "img_bias"):
        num = numerical_gradient_array(lambda: model.encode(data.images)[0], model.params[name], dv)
        assert rel_error(model.grads[name], num) < 1e-8, name


def test_greedy_decoding_of_the_twin_and_scratch_agree():
    model, data = small_model(3)
    twin = tcap.ShowAndTell((3, 16, 16), len(data.vocab), 5, 4, (2, 3), dtype=torch.float64)
    twin.load_state_dict({k: torch.tensor(v) for k, v in model.params.items()})
    for image in data.images:
        a = greedy_decode(*model.step_function(image), 1, 2, 10)
        b = greedy_decode(*twin.step_function(image), 1, 2, 10)
        assert a.tokens == b.tokens and abs(a.log_prob - b.log_prob) < 1e-12


# ---- data ------------------------------------------------------------------------------------------------
def test_scene_captions_are_true_by_construction():
    data = shape_scenes(200, seed=4)
    for image, caption, (a, b) in zip(data.images, data.captions, data.objects):
        colours = {name: np.all(np.abs(image.transpose(1, 2, 0) / np.array(rgb) - image.max(axis=0)[..., None]
                                       / max(rgb)) < 1e-9, axis=-1) & (image.max(axis=0) > 0)
                   for name, rgb in COLOURS.items()}
        rows_a, cols_a = np.nonzero(colours[a[0]])
        rows_b, cols_b = np.nonzero(colours[b[0]])
        if a[0] == b[0]:
            continue                       # same colour: the pixels do not say which object is which
        if "left of" in caption:
            assert cols_a.max() < cols_b.min(), caption
        else:
            assert rows_a.max() < rows_b.min(), caption
    assert all(c.split()[0] == "a" and c.split()[2] in SHAPES for c in data.captions)


def test_thousand_scenes_have_about_250_distinct_captions_and_round_trip():
    data = shape_scenes(1000, seed=0)
    assert 240 <= len(set(data.captions)) <= 264
    assert [data.vocab.decode(t) for t in data.tokens] == data.captions
    assert data.images.shape == (1000, 3, 16, 16) and data.images.min() >= 0 and data.images.max() <= 1


def test_compositional_split_keeps_the_held_out_pairs_out_of_training():
    held = [("red", "triangle"), ("blue", "circle")]
    train, test = compositional_split(300, 100, held, seed=0)
    assert not any(f"{c} {s}" in cap for cap in train.captions for c, s in held)
    assert all(any(f"{c} {s}" in cap for c, s in held) for cap in test.captions)
    train_words = {w for cap in train.captions for w in cap.split()}
    assert {w for cap in test.captions for w in cap.split()} <= train_words


def test_digit_strips_are_captioned_with_the_digits_of_sklearn():
    from sklearn.datasets import load_digits
    digits = load_digits()
    strips = digit_strips(20, 3, seed=0)
    assert strips.images.shape == (20, 1, 8, 24)
    for image, caption in zip(strips.images, strips.captions):
        for j, d in enumerate(caption.split()):
            block = image[0, :, 8 * j:8 * j + 8] * 16
            matches = np.nonzero(np.all(digits.images == block, axis=(1, 2)))[0]
            assert matches.size and all(digits.target[m] == int(d) for m in matches)
    test = digit_strips(50, 3, seed=0, part="test")
    train_blocks = {digit_strips(1000, 1, seed=s).images.tobytes() for s in range(1)}
    assert not any(test.images[i, :, :, :8].tobytes() in train_blocks for i in range(50))


@pytest.mark.parametrize("call, message", [
    (lambda: shape_scenes(0), "n must be a positive int"),
    (lambda: shape_scenes(5, exclude=[("purple", "circle")]), "exclude must hold"),
    (lambda: shape_scenes(5, exclude=[("red", "circle")], require=[("red", "circle")]), "both required and excluded"),
    (lambda: compositional_split(5, 5, []), "held_out must name"),
    (lambda: digit_strips(5, 0), "n_digits must be"),
    (lambda: digit_strips(5, part="valid"), "part must be"),
    (lambda: shape_scenes(2).vocab.encode(["a purple circle"]), "outside the vocabulary"),
    (lambda: conv2d_forward(np.zeros((1, 2, 5, 5)), np.zeros((3, 3, 3, 3))), "x must have shape (B, C=3"),
    (lambda: conv2d_forward(np.zeros((1, 3, 2, 2)), np.zeros((3, 3, 3, 3))), "at least k=3"),
    (lambda: conv2d_forward(np.zeros((1, 3, 5, 5)), np.zeros((3, 3, 3, 3)), stride=0), "stride must be"),
    (lambda: masked_cross_entropy(np.zeros((2, 3, 4)), np.zeros((2, 3), int)), "every target is padding"),
    (lambda: masked_cross_entropy(np.zeros((2, 3, 4)), np.ones((2, 4), int)), "targets must have the shape of logits without its last axis"),
    (lambda: caption_decoder_forward(np.zeros((2, 4)), np.full((2, 3), 9), np.zeros((5, 4)), *[None] * 6),
     "token indices in [0, V=5)"),
    (lambda: ShowAndTell((3, 10, 16), 5), "divisible by 4"),
])
def test_bad_input_raises_value_error_naming_what_was_expected(call, message):
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert message in str(info.value)


# ---- BLEU ------------------------------------------------------------------------------------------------
def test_bleu_equals_nltk_corpus_bleu():
    from nltk.translate.bleu_score import corpus_bleu as nltk_bleu
    rng = np.random.default_rng(0)
    words = "a red blue green circle square left of above the".split()
    for trial in range(30):
        refs, cands = [], []
        for _ in range(rng.integers(1, 6)):
            ref_list = [list(rng.choice(words, rng.integers(4, 10))) for _ in range(rng.integers(1, 4))]
            cand = list(ref_list[0][: rng.integers(2, len(ref_list[0]) + 1)])
            cand += list(rng.choice(words, rng.integers(0, 4)))
            refs.append(ref_list)
            cands.append(cand)
        for n in range(1, 5):
            weights = tuple([1 / n] * n)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")          # nltk warns when a precision is 0 (and returns 0)
                expected = nltk_bleu(refs, cands, weights=weights)
            assert abs(corpus_bleu(refs, cands, n) - expected) < 1e-12, (trial, n)


def test_bleu_of_a_perfect_corpus_is_one_and_names_each_order():
    refs = [[["a", "red", "circle", "left", "of", "a", "blue", "square"]]]
    assert bleu_scores(refs, [refs[0][0]]) == {f"BLEU-{n}": 1.0 for n in range(1, 5)}
    with pytest.raises(ValueError, match="one list of references per candidate"):
        corpus_bleu(refs, [])


def test_held_out_object_report_counts_what_was_said_about_each_held_out_object():
    from rnncourse.data.scenes import compositional_split
    from rnncourse.runs.signals import blind_exact_match, held_out_object_report

    held = (("red", "triangle"),)
    train, test = compositional_split(20, 3, held, seed=0)
    truth = held_out_object_report(test.captions, test, held)
    n = sum(("red", "triangle") in objects for objects in test.objects)
    assert truth == {"objects": n, "colour_right": n, "shape_right": n, "both_right": n, "said_seen_pair": 0,
                     "unreadable": 0}
    swapped = [c.replace("red triangle", "red square") for c in test.captions]       # colour kept, a seen shape
    said = held_out_object_report(swapped + [], test, held)
    assert said["colour_right"] == n and said["shape_right"] == 0 and said["said_seen_pair"] == n
    assert held_out_object_report(["a red"] * 3, test, held)["unreadable"] == n
    assert blind_exact_match(train, train) > 0 and blind_exact_match(train, test) == 0

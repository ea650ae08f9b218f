"""The network: backprop against finite differences and a hand-checked example, SGD, errors."""

import numpy as np
import pytest

from lectures_lib import _compiled
from lectures_lib.network import Network, TrainingDiverged
from lectures_lib.neurons import sigmoid


def numerical_gradients(net, X, Y, h=1e-6):
    """d(sum_x C_x)/dw by central differences, C_x = ||y - a||^2 / 2."""

    def total_cost():
        return 0.5 * np.sum((net.feedforward(X) - Y) ** 2)

    grads = []
    for param in net.weights + net.biases:
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            old = param[index]
            param[index] = old + h
            up = total_cost()
            param[index] = old - h
            down = total_cost()
            param[index] = old
            grad[index] = (up - down) / (2 * h)
        grads.append(grad)
    n = len(net.weights)
    return grads[:n], grads[n:]


def test_backprop_matches_finite_differences():
    rng = np.random.default_rng(1)
    net = Network([5, 4, 3, 2], rng=rng)
    X = rng.random((7, 5))
    Y = rng.random((7, 2))
    nabla_w, nabla_b = net.backprop(X, Y)
    num_w, num_b = numerical_gradients(net, X, Y)
    for analytic, numeric in zip(nabla_w + nabla_b, num_w + num_b):
        assert analytic.shape == numeric.shape
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_hand_checked_2_2_1():
    """x = (1, 0); hidden w = [[1, 0], [0, 1]], b = 0; output w = [[1, 1]], b = 0; y = 1."""
    net = Network([2, 2, 1])
    net.weights = [np.eye(2), np.ones((1, 2))]
    net.biases = [np.zeros(2), np.zeros(1)]
    s1, s0 = sigmoid(1.0), 0.5  # hidden activations sigma(1), sigma(0)
    a = sigmoid(s1 + s0)
    assert net.feedforward(np.array([[1.0, 0.0]]))[0, 0] == pytest.approx(a)
    delta_out = (a - 1) * a * (1 - a)
    delta_hidden = delta_out * np.array([s1 * (1 - s1), s0 * (1 - s0)])
    nabla_w, nabla_b = net.backprop(np.array([[1.0, 0.0]]), np.array([[1.0]]))
    np.testing.assert_allclose(nabla_w[1], [[delta_out * s1, delta_out * s0]])
    np.testing.assert_allclose(nabla_b[1], [delta_out])
    np.testing.assert_allclose(nabla_w[0], [[delta_hidden[0], 0], [delta_hidden[1], 0]])
    np.testing.assert_allclose(nabla_b[0], delta_hidden)


def test_shapes_follow_the_lecture():
    net = Network([784, 30, 10], rng=0)
    assert [w.shape for w in net.weights] == [(30, 784), (10, 30)]
    assert [b.shape for b in net.biases] == [(30,), (10,)]
    assert net.feedforward(np.zeros((3, 784))).shape == (3, 10)


def xor_like(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 2))
    labels = ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.5)).astype(int)
    return X, labels


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_sgd_lowers_the_cost(engine):
    if engine == "numba" and not _compiled.AVAILABLE:
        pytest.skip("numba is not installed")
    X, labels = xor_like()
    net = Network([2, 8, 2], rng=3)
    Y = np.eye(2)[labels]
    before = net.cost(X, Y)
    history = net.SGD((X, labels), 200, 10, 3.0, test=(X, labels), rng=4, engine=engine)
    assert net.cost(X, Y) < 0.5 * before
    assert history.correct[-1] > history.correct[0] and history.best / 200 > 0.9
    assert len(history.seconds) == 200 and history.n_test == 200


def test_same_seed_same_network():
    X, labels = xor_like()
    a, b = Network([2, 5, 2], rng=7), Network([2, 5, 2], rng=7)
    a.SGD((X, labels), 3, 10, 1.0, rng=8, engine="numpy")
    b.SGD((X, labels), 3, 10, 1.0, rng=8, engine="numpy")
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(wa, wb)
    c = Network([2, 5, 2], rng=9)
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.skipif(not _compiled.AVAILABLE, reason="numba is not installed")
@pytest.mark.parametrize("n, m", [(300, 10), (301, 7), (5, 5)])
def test_compiled_path_equals_numpy_path(n, m):
    rng = np.random.default_rng(2)
    X, Y = rng.random((n, 6)), rng.random((n, 3))
    a, b = Network([6, 5, 4, 3], rng=5), Network([6, 5, 4, 3], rng=5)
    a.SGD((X, Y), 3, m, 0.5, rng=6, engine="numpy")
    b.SGD((X, Y), 3, m, 0.5, rng=6, engine="numba")
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(wa, wb, rtol=0, atol=1e-12)


@pytest.mark.skipif(not _compiled.AVAILABLE, reason="numba is not installed")
def test_compiled_path_trains_weights_of_any_layout_in_place():
    """BLAS wants C order: a Fortran-ordered or transposed weight matrix still trains to the
    numpy path's numbers, and the network keeps the very arrays it had."""
    rng = np.random.default_rng(3)
    X, Y = rng.random((60, 6)), rng.random((60, 3))
    a, b = Network([6, 5, 4, 3], rng=5), Network([6, 5, 4, 3], rng=5)
    b.weights[0] = np.asfortranarray(b.weights[0])
    b.weights[1] = b.weights[1].T.copy().T
    arrays = list(b.weights + b.biases)
    a.SGD((X, Y), 3, 10, 0.5, rng=6, engine="numpy")
    b.SGD((X, Y), 3, 10, 0.5, rng=6, engine="numba")
    assert all(x is y for x, y in zip(arrays, b.weights + b.biases))
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(wa, wb, rtol=0, atol=1e-12)


def test_verbose_prints_the_lecture_lines(capsys):
    X, labels = xor_like()
    Network([2, 3, 2], rng=0).SGD((X, labels), 2, 10, 1.0, test=(X[:50], labels[:50]), verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Epoch 0", "Epoch 1"]
    assert lines[0].endswith(" / 50")


def test_save_and_load(tmp_path):
    net = Network([4, 3, 2], rng=0)
    net.save(tmp_path / "net.npz")
    loaded = Network.load(tmp_path / "net.npz")
    assert loaded.sizes == [4, 3, 2]
    for wa, wb in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        np.testing.assert_array_equal(wa, wb)
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]
    with pytest.raises(FileNotFoundError, match="train a network"):
        Network.load(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(X=np.zeros((10, 3))), r"shape \(n, 2\)"),
        (dict(eta=0.0), "eta must be a positive"),
        (dict(eta=-1.0), "eta must be a positive"),
        (dict(eta=float("nan")), "eta must be a positive"),
        (dict(m=0), "mini_batch_size"),
        (dict(m=11), "mini_batch_size"),
        (dict(labels=np.full(10, 2)), r"0\.\.1"),
        (dict(labels=np.full(10, -1)), r"0\.\.1"),
        (dict(X=np.full((10, 2), np.nan)), "NaN"),
        (dict(epochs=0), "epochs"),
    ],
)
def test_bad_input_is_a_clear_error(change, message):
    args = dict(X=np.zeros((10, 2)), labels=np.zeros(10, dtype=int), eta=1.0, m=2, epochs=1)
    args.update(change)
    net = Network([2, 3, 2], rng=0)
    with pytest.raises(ValueError, match=message):
        net.SGD((args["X"], args["labels"]), args["epochs"], args["m"], args["eta"])


def test_evaluate_checks_labels():
    net = Network([2, 3, 2], rng=0)
    with pytest.raises(ValueError, match="one per input"):
        net.evaluate(np.zeros((3, 2)), np.zeros(4, dtype=int))


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_divergence_stops_training_with_advice(engine):
    if engine == "numba" and not _compiled.AVAILABLE:
        pytest.skip("numba is not installed")
    """Sigmoids saturate rather than overflow, so a NaN weight is planted by hand here."""
    X, labels = xor_like()
    net = Network([2, 3, 2], rng=0)
    net.weights[0][0, 0] = np.nan
    with pytest.raises(TrainingDiverged, match="epoch 0 with eta = 3.0.*smaller learning rate"):
        net.SGD((X, labels), 2, 2, 3.0, engine=engine)


def test_huge_eta_saturates_without_warnings():
    X, labels = xor_like()
    net = Network([2, 3, 2], rng=0)
    net.SGD((X, labels), 1, 2, 1e300, test=(X, labels))  # warnings are errors in the tests
    assert np.max(np.abs(net.weights[0])) > 1e200


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_one_nan_pixel_is_reported_and_nothing_is_learned(engine):
    if engine == "numba" and not _compiled.AVAILABLE:
        pytest.skip("numba is not installed")
    X, labels = xor_like()
    X[137, 1] = np.nan
    net = Network([2, 3, 2], rng=0)
    before = [p.copy() for p in net.weights + net.biases]
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.SGD((X, labels), 2, 10, 1.0, rng=1, engine=engine)
    for p, old in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(p, old)


def test_without_numba_the_numpy_path_is_used(monkeypatch):
    monkeypatch.setattr(_compiled, "AVAILABLE", False)
    monkeypatch.setattr(
        _compiled, "sgd_epoch", lambda *a: pytest.fail("the compiled path was used")
    )
    X, labels = xor_like()
    Network([2, 3, 2], rng=0).SGD((X, labels), 1, 10, 1.0)  # engine="auto"
    with pytest.raises(ImportError, match="pip install numba"):
        Network([2, 3, 2], rng=0).SGD((X, labels), 1, 10, 1.0, engine="numba")

"""The algorithm (network.py) and the trainer's engines around it (runs.sgd): backprop
against finite differences and a hand-checked example, SGD against the textbook's
per-example loop, the numpy engine running Network's own steps, the compiled and float32
paths, inputs of every dtype, the history, patience, and every bad input a student can
reach.  Network files: test_network_file.py."""

import inspect
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from lectures_lib import _compiled, network
from lectures_lib.gradcheck import numerical_gradient
from lectures_lib.network import Network
from lectures_lib.neurons import sigmoid, sigmoid_prime
from lectures_lib.runs import NetworkSaturated, TrainingDiverged, TrainingStalled, sgd

needs_numba = pytest.mark.skipif(not _compiled.status()[0], reason=_compiled.status()[1])
ENGINES = ["numpy", pytest.param("numba", marks=needs_numba)]


def total_cost(net, X, Y):
    """sum_x C_x, C_x = ||y(x) - a(x)||^2 / 2, from the network's feedforward."""
    return 0.5 * np.sum((net.feedforward(X) - Y) ** 2)


def numerical_gradients(net, X, Y):
    """d(sum_x C_x)/dp for every weight and bias array p, by central differences."""
    params = net.weights + net.biases  # the network's own arrays, changed in place by f

    def gradient(p):
        def f(values):
            saved = p.copy()
            p[...] = values
            try:
                return total_cost(net, X, Y)
            finally:
                p[...] = saved

        return numerical_gradient(f, p)

    grads = [gradient(p) for p in params]
    return grads[: len(net.weights)], grads[len(net.weights) :]


def textbook_feedforward(net, x):
    """One example x (n_in,) as a column, as Nielsen writes it: a = sigma(w a + b)."""
    a = x.reshape(-1, 1)
    for w, b in zip(net.weights, net.biases):
        a = sigmoid(w @ a + b.reshape(-1, 1))
    return a.ravel()


def textbook_epoch(net, X, Y, perm, m, eta):
    """One epoch of SGD, one example at a time, each gradient by finite differences:
    independent of backprop and of the matrix form."""
    for k in range(0, len(perm), m):
        batch = perm[k : k + m]
        num_w, num_b = numerical_gradients(net, X[batch], Y[batch])
        for p, g in zip(net.weights + net.biases, num_w + num_b):
            p -= eta / len(batch) * g


def xor_like(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 2))
    labels = ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.5)).astype(int)
    return X, labels


def same_parameters(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.weights + a.biases, b.weights + b.biases))


def max_difference(a, b):
    return max(
        float(np.max(np.abs(x - y))) for x, y in zip(a.weights + a.biases, b.weights + b.biases)
    )


# --- the algorithm ----------------------------------------------------------------------


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
    delta_out = (a - 1) * sigmoid_prime(s1 + s0)
    delta_hidden = delta_out * np.array([s1 * (1 - s1), s0 * (1 - s0)])
    nabla_w, nabla_b = net.backprop(np.array([[1.0, 0.0]]), np.array([[1.0]]))
    np.testing.assert_allclose(nabla_w[1], [[delta_out * s1, delta_out * s0]])
    np.testing.assert_allclose(nabla_b[1], [delta_out])
    np.testing.assert_allclose(nabla_w[0], [[delta_hidden[0], 0], [delta_hidden[1], 0]])
    np.testing.assert_allclose(nabla_b[0], delta_hidden)


def test_feedforward_matches_the_textbook_column_form():
    rng = np.random.default_rng(4)
    net = Network([6, 5, 3], rng=rng)
    X = rng.random((4, 6))
    expected = np.array([textbook_feedforward(net, x) for x in X])
    np.testing.assert_allclose(net.feedforward(X), expected, rtol=1e-14)
    np.testing.assert_allclose(net.feedforward(X[0]), expected[:1], rtol=1e-14)  # one vector


@pytest.mark.parametrize("engine", ENGINES)
def test_one_epoch_matches_the_per_example_textbook_loop(engine):
    """SGD's mini-batch steps against a loop whose gradients come from finite differences."""
    rng = np.random.default_rng(5)
    X, Y = rng.random((23, 4)), rng.random((23, 2))
    net, reference = Network([4, 3, 2], rng=6), Network([4, 3, 2], rng=6)
    sgd(net, (X, Y), 1, 5, 2.0, rng=7, engine=engine)
    textbook_epoch(reference, X, Y, np.random.default_rng(7).permutation(23), 5, 2.0)
    assert max_difference(net, reference) < 1e-8


def test_update_mini_batch_is_one_gradient_step():
    rng = np.random.default_rng(8)
    X, Y = rng.random((3, 4)), rng.random((3, 2))
    net, reference = Network([4, 3, 2], rng=9), Network([4, 3, 2], rng=9)
    net.update_mini_batch(X, Y, 0.7)
    num_w, num_b = numerical_gradients(reference, X, Y)
    for p, old, g in zip(
        net.weights + net.biases, reference.weights + reference.biases, num_w + num_b
    ):
        np.testing.assert_allclose(p, old - 0.7 / 3 * g, rtol=0, atol=1e-9)


def test_shapes_follow_the_lecture():
    net = Network([784, 30, 10], rng=0)
    assert [w.shape for w in net.weights] == [(30, 784), (10, 30)]
    assert [b.shape for b in net.biases] == [(30,), (10,)]
    assert net.feedforward(np.zeros((3, 784))).shape == (3, 10)


def test_scaled_start_has_variance_one_over_n_in():
    normal, scaled = Network([4000, 50, 10], rng=3), Network([4000, 50, 10], rng=3, init="scaled")
    assert np.std(normal.weights[0]) == pytest.approx(1, rel=0.01)
    assert np.std(scaled.weights[0]) == pytest.approx(1 / np.sqrt(4000), rel=0.01)
    assert np.std(scaled.weights[1]) == pytest.approx(1 / np.sqrt(50), rel=0.1)
    for b_normal, b_scaled in zip(normal.biases, scaled.biases):  # the same draws
        np.testing.assert_array_equal(b_normal, b_scaled)
    np.testing.assert_allclose(scaled.weights[0] * np.sqrt(4000), normal.weights[0], rtol=1e-15)


@pytest.mark.parametrize("engine", ENGINES)
def test_sgd_lowers_the_cost(engine):
    X, labels = xor_like()
    net = Network([2, 8, 2], rng=3)
    before = net.cost(X, labels)
    history = sgd(net, (X, labels), 200, 10, 3.0, test=(X, labels), rng=4, engine=engine)
    assert net.cost(X, labels) < 0.5 * before
    assert history.correct[-1] > history.correct[0] and history.best / 200 > 0.9
    assert len(history.seconds) == 200 and history.n_test == 200


def test_cost_is_half_the_mean_squared_distance():
    rng = np.random.default_rng(2)
    net, X, labels = Network([3, 4, 2], rng=1), rng.random((5, 3)), np.array([0, 1, 1, 0, 1])
    by_hand = sum(
        np.sum((textbook_feedforward(net, x) - np.eye(2)[y]) ** 2) for x, y in zip(X, labels)
    )
    assert net.cost(X, labels) == pytest.approx(by_hand / (2 * 5), rel=1e-14)
    assert net.cost(X, np.eye(2)[labels]) == net.cost(X, labels)


def test_same_seed_same_network():
    X, labels = xor_like()
    a, b = Network([2, 5, 2], rng=7), Network([2, 5, 2], rng=7)
    sgd(a, (X, labels), 3, 10, 1.0, rng=8, engine="numpy")
    sgd(b, (X, labels), 3, 10, 1.0, rng=8, engine="numpy")
    assert same_parameters(a, b)
    c = Network([2, 5, 2], rng=9)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_plain_sgd_is_the_trainers_numpy_engine_and_returns_the_test_counts():
    """Network.SGD, the algorithm alone, takes the same steps as the trainer's engines and
    returns what the trainer records as test counts."""
    X, labels = xor_like()
    plain, trained = Network([2, 5, 2], rng=7), Network([2, 5, 2], rng=7)
    counts = plain.SGD((X, labels), 4, 10, 3.0, test=(X[:50], labels[:50]), rng=8)
    history = sgd(trained, (X, labels), 4, 10, 3.0, test=(X[:50], labels[:50]), rng=8)
    assert counts == history.correct and len(counts) == 4
    assert max_difference(plain, trained) <= 1e-12  # either engine
    assert Network([2, 5, 2], rng=7).SGD((X, labels), 1, 10, 3.0, rng=8) == []


class CountingNetwork(Network):
    """A network that counts the calls of its update_mini_batch, then takes the step."""

    steps = 0

    def update_mini_batch(self, X, Y, eta):
        self.steps += 1
        super().update_mini_batch(X, Y, eta)


def test_the_trainers_numpy_engine_runs_update_mini_batch():
    X, labels = xor_like()  # 200 examples: 20 mini-batches of 10 per epoch
    counted, plain = CountingNetwork([2, 4, 2], rng=1), Network([2, 4, 2], rng=1)
    sgd(counted, (X, labels), 3, 10, 1.0, rng=2, engine="numpy")
    assert counted.steps == 3 * 20
    sgd(plain, (X, labels), 3, 10, 1.0, rng=2, engine="numpy")
    assert same_parameters(counted, plain)
    auto = CountingNetwork([2, 4, 2], rng=1)  # a changed algorithm is never compiled
    sgd(auto, (X, labels), 1, 10, 1.0, rng=2)
    assert auto.steps == 20


def test_the_algorithm_imports_nothing_of_the_trainer():
    """network.py imports numpy, neurons and checks: no engine, record, thread or file."""
    import ast

    tree = ast.parse(inspect.getsource(network))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        f"{node.module}.{alias.name}" if node.module == "lectures_lib" else node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == {"__future__", "numpy", "lectures_lib.checks", "lectures_lib.neurons"}


def test_from_parameters_builds_the_network_without_drawing():
    weights, biases = [np.ones((3, 4)), np.zeros((2, 3))], [np.zeros(3), np.ones(2)]
    net = Network.from_parameters(weights, biases)
    assert net.sizes == [4, 3, 2]
    assert all(p is q for p, q in zip(net.weights + net.biases, weights + biases))
    np.testing.assert_allclose(net.feedforward(np.zeros(4)), [[sigmoid(1.0)] * 2], rtol=1e-15)
    with pytest.raises(
        ValueError, match=r"net.weights\[1\] must be a float array of shape \(2, 3\)"
    ):
        Network.from_parameters(weights[:1] + [np.zeros((2, 5))], biases)
    with pytest.raises(ValueError, match=r"net.biases\[0\] must be a float array"):
        Network.from_parameters(weights, [np.zeros(3, dtype=int), biases[1]])
    with pytest.raises(ValueError, match="2 weight matrices and bias vectors"):
        Network.from_parameters(weights, biases[:1])
    with pytest.raises(ValueError, match="2-D float arrays"):
        Network.from_parameters([np.zeros(3)], [np.zeros(3)])


# --- inputs: integer grey levels, floats in [0, 1] ---------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dtype", [np.uint16, np.int64, np.int8, ">i4"])
def test_integer_grey_levels_of_any_dtype_train_as_uint8(engine, dtype):
    rng = np.random.default_rng(11)
    levels, labels = rng.integers(0, 128, (101, 6)).astype(np.uint8), rng.integers(0, 3, 101)
    a, b = Network([6, 5, 3], rng=1), Network([6, 5, 3], rng=1)
    sgd(a, (levels, labels), 2, 7, 3.0, rng=2, engine=engine)
    sgd(b, (levels.astype(dtype), labels), 2, 7, 3.0, rng=2, engine=engine)
    assert same_parameters(a, b)
    assert a.evaluate(levels, labels) == b.evaluate(levels.astype(dtype), labels)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_floats_in_0_1_train_as_the_grey_levels_they_scale(engine, dtype):
    """float64 levels / 255 give exactly uint8's numbers; float32 rounds them (to 6e-8)."""
    rng = np.random.default_rng(12)
    levels, labels = rng.integers(0, 256, (101, 6), dtype=np.uint8), rng.integers(0, 3, 101)
    a, b = Network([6, 5, 3], rng=1), Network([6, 5, 3], rng=1)
    sgd(a, (levels, labels), 2, 7, 3.0, rng=2, engine=engine)
    sgd(b, ((levels / 255).astype(dtype), labels), 2, 7, 3.0, rng=2, engine=engine)
    assert max_difference(a, b) <= (0 if dtype == np.float64 else 1e-5)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float16, np.longdouble, ">f8", "<f4", ">u2"])
def test_unusual_dtypes_train_the_same_on_both_engines(dtype):
    """The compiled engine crashed on float16, longdouble and big-endian inputs that the
    numpy engine trained; both now train on them as numpy converts them (float64)."""
    rng = np.random.default_rng(14)
    X = rng.integers(0, 256, (101, 6), dtype=np.uint8)
    X = X.astype(dtype) if np.dtype(dtype).kind == "u" else (X / 255).astype(dtype)
    labels = rng.integers(0, 3, 101)
    a, b = Network([6, 5, 3], rng=1), Network([6, 5, 3], rng=1)
    history = sgd(a, (X, labels), 2, 7, 3.0, rng=2, test=(X, labels), engine="numpy")
    compiled = sgd(b, (X, labels), 2, 7, 3.0, rng=2, test=(X, labels), engine="numba")
    assert compiled.correct == history.correct
    assert max_difference(a, b) <= 1e-12
    c = Network([6, 5, 3], rng=1)  # the same steps as the input converted beforehand
    as_float64 = X.astype(np.float64) / (255 if X.dtype.kind == "u" else 1)
    sgd(c, (as_float64, labels), 2, 7, 3.0, rng=2, engine="numpy")
    assert max_difference(a, c) <= 1e-12


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_grey_levels_are_refused_with_the_fix(dtype):
    """Floats 0-255 used to train silently at 21%: now a message says to divide by 255."""
    rng = np.random.default_rng(13)
    X, labels = rng.integers(0, 256, (40, 6)).astype(dtype), rng.integers(0, 3, 40)
    net = Network([6, 5, 3], rng=1)
    fix = r"float inputs must lie in \[0, 1\], got values from 0 to 25\d: divide .* by 255"
    for call in [
        lambda: net.SGD((X, labels), 1, 10, 3.0),
        lambda: sgd(net, (X, labels), 1, 10, 3.0),
        lambda: net.feedforward(X),
        lambda: net.evaluate(X, labels),
        lambda: net.cost(X, labels),
        lambda: net.update_mini_batch(X, labels, 3.0),
        lambda: sgd(net, (X / 255, labels), 1, 10, 3.0, test=(X, labels)),
    ]:
        with pytest.raises(ValueError, match=fix):
            call()


@pytest.mark.parametrize("X", [np.full((4, 6), 256), np.full((4, 6), -1, dtype=np.int16)])
def test_integers_outside_the_grey_levels_are_refused(X):
    with pytest.raises(ValueError, match="integer inputs are grey levels from 0 to 255"):
        Network([6, 5, 3], rng=1).feedforward(X)


@pytest.mark.parametrize("rng", ["seed", -1, 1.5, True, [1, 2]])
def test_a_bad_rng_is_a_clear_error(rng):
    X, labels = xor_like()
    message = r"rng must be a seed \(a whole number of at least 0\), a numpy Generator"
    for call in [
        lambda: Network([2, 3, 2], rng=rng),
        lambda: Network([2, 3, 2], rng=0).SGD((X, labels), 1, 10, 1.0, rng=rng),
        lambda: sgd(Network([2, 3, 2], rng=0), (X, labels), 1, 10, 1.0, rng=rng),
    ]:
        with pytest.raises(ValueError, match=message):
            call()


# --- the compiled path, float32, uint8 images --------------------------------------------


@needs_numba
@pytest.mark.parametrize("n, m", [(300, 10), (301, 7), (5, 5)])
def test_compiled_path_equals_numpy_path(n, m):
    rng = np.random.default_rng(2)
    X, Y = rng.random((n, 6)), rng.random((n, 3))
    a, b = Network([6, 5, 4, 3], rng=5), Network([6, 5, 4, 3], rng=5)
    sgd(a, (X, Y), 3, m, 0.5, rng=6, engine="numpy")
    sgd(b, (X, Y), 3, m, 0.5, rng=6, engine="numba")
    assert max_difference(a, b) <= 1e-12


@needs_numba
def test_compiled_path_trains_weights_of_any_layout_in_place():
    """BLAS wants C order: a Fortran-ordered or transposed weight matrix still trains to the
    numpy path's numbers, and the network keeps the very arrays it had."""
    rng = np.random.default_rng(3)
    X, Y = rng.random((60, 6)), rng.random((60, 3))
    a, b = Network([6, 5, 4, 3], rng=5), Network([6, 5, 4, 3], rng=5)
    b.weights[0] = np.asfortranarray(b.weights[0])
    b.weights[1] = b.weights[1].T.copy().T
    arrays = list(b.weights + b.biases)
    sgd(a, (X, Y), 3, 10, 0.5, rng=6, engine="numpy")
    sgd(b, (X, Y), 3, 10, 0.5, rng=6, engine="numba")
    assert all(x is y for x, y in zip(arrays, b.weights + b.biases))
    assert max_difference(a, b) <= 1e-12


@pytest.mark.parametrize("engine", ENGINES)
def test_uint8_images_give_exactly_the_weights_of_images_divided_first(engine):
    rng = np.random.default_rng(11)
    levels, labels = rng.integers(0, 256, (301, 6), dtype=np.uint8), rng.integers(0, 3, 301)
    a, b = Network([6, 5, 3], rng=1), Network([6, 5, 3], rng=1)
    sgd(a, (levels, labels), 3, 7, 3.0, rng=2, engine=engine)
    sgd(b, (levels / 255.0, labels), 3, 7, 3.0, rng=2, engine=engine)
    assert same_parameters(a, b)
    np.testing.assert_array_equal(a.feedforward(levels), a.feedforward(levels / 255.0))
    assert a.cost(levels, labels) == a.cost(levels / 255.0, labels)
    for got, expected in zip(a.backprop(levels, labels), a.backprop(levels / 255.0, labels)):
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)


@needs_numba
def test_float32_stays_close_to_float64():
    """float32 rounds each number to 24 bits (relative 6e-8); over 200 steps at eta = 0.5
    the weights drift apart by far less than 1e-4, and the cost by less than 1e-5."""
    rng = np.random.default_rng(12)
    X, labels = rng.integers(0, 256, (2000, 20), dtype=np.uint8), rng.integers(0, 4, 2000)
    f64, f32 = Network([20, 10, 4], rng=1), Network([20, 10, 4], rng=1)
    sgd(f64, (X, labels), 1, 10, 0.5, rng=2)
    sgd(f32, (X, labels), 1, 10, 0.5, rng=2, dtype="float32")
    assert 0 < max_difference(f64, f32) < 1e-4  # different, but barely
    assert f32.weights[0].dtype == np.float64
    assert abs(f64.cost(X, labels) - f32.cost(X, labels)) < 1e-5


@needs_numba
def test_float32_on_mnist_reaches_the_accuracy_of_float64(mnist):
    """[784, 30, 10] on 10,000 images: one epoch at eta = 0.5 leaves the weights within
    1e-3 of float64's; after three epochs at the lecture's eta = 3.0 (where rounding
    differences grow along the path), test accuracy is within 1 percentage point."""
    training, _, test = mnist
    subset = (training.images[:10_000], training.labels[:10_000])
    f64, f32 = Network([784, 30, 10], rng=1), Network([784, 30, 10], rng=1)
    sgd(f64, subset, 1, 10, 0.5, rng=2)
    sgd(f32, subset, 1, 10, 0.5, rng=2, dtype="float32")
    assert max_difference(f64, f32) < 1e-3
    h64 = sgd(f64, subset, 3, 10, 3.0, test=test, rng=3)
    h32 = sgd(f32, subset, 3, 10, 3.0, test=test, rng=3, dtype="float32")
    assert abs(h64.correct[-1] - h32.correct[-1]) <= 100
    assert h32.correct[-1] > 8500


def test_large_data_is_fed_forward_in_pieces_without_a_float_copy(monkeypatch):
    monkeypatch.setattr(network, "CHUNK", 250)
    rng = np.random.default_rng(13)
    net = Network([784, 30, 10], rng=0)
    levels, labels = rng.integers(0, 256, (3000, 784), dtype=np.uint8), rng.integers(0, 10, 3000)
    tracemalloc.start()
    try:
        outputs = net.feedforward(levels)
        correct, cost = net.evaluate(levels, labels), net.cost(levels, labels)
        nabla_w, nabla_b = net.backprop(levels, labels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * levels.nbytes / 4  # a float64 copy of all images takes 8 * nbytes
    expected = np.array([textbook_feedforward(net, x / 255.0) for x in levels[::97]])
    np.testing.assert_allclose(outputs[::97], expected, rtol=1e-13)
    assert correct == np.sum(np.argmax(outputs, axis=1) == labels)
    assert cost == pytest.approx(0.5 * np.sum((outputs - np.eye(10)[labels]) ** 2) / 3000)
    monkeypatch.setattr(network, "CHUNK", 10**6)  # the same sums in one piece
    for piecewise, whole in zip(nabla_w + nabla_b, sum(net.backprop(levels, labels), [])):
        np.testing.assert_allclose(piecewise, whole, rtol=1e-10, atol=1e-12)


# --- the history: test, validation, training, patience -----------------------------------


def test_monitor_records_the_training_cost_and_accuracy_each_epoch():
    X, labels = xor_like()
    net = Network([2, 6, 2], rng=1)
    history = sgd(net, (X, labels), 3, 10, 3.0, monitor=True, validation=(X[:50], labels[:50]))
    by_hand = sum(
        np.sum((textbook_feedforward(net, x) - np.eye(2)[y]) ** 2) for x, y in zip(X, labels)
    )
    assert len(history.training_cost) == 3
    assert history.training_cost[-1] == pytest.approx(by_hand / (2 * len(X)), rel=1e-12)
    assert history.training_correct[-1] == net.evaluate(X, labels)
    assert history.training_accuracy[-1] == history.training_correct[-1] / 200
    assert history.validation_accuracy[-1] == net.evaluate(X[:50], labels[:50]) / 50
    assert history.correct == [] and history.accuracy.shape == (0,)


def test_monitor_k_measures_the_first_k_training_examples_and_trains_the_same():
    """monitor=k (notebook 05: a stated subset, to save time) measures only; it does not
    change the training."""
    X, labels = xor_like()
    net = Network([2, 6, 2], rng=1)
    history = sgd(net, (X, labels), 2, 10, 3.0, rng=4, monitor=50)
    unmonitored = Network([2, 6, 2], rng=1)
    sgd(unmonitored, (X, labels), 2, 10, 3.0, rng=4)
    by_hand = sum(
        np.sum((textbook_feedforward(net, x) - np.eye(2)[y]) ** 2)
        for x, y in zip(X[:50], labels[:50])
    )
    assert history.n_training == 50 and len(history.training_cost) == 2
    assert history.training_cost[-1] == pytest.approx(by_hand / (2 * 50), rel=1e-12)
    assert history.training_correct[-1] == net.evaluate(X[:50], labels[:50])
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, unmonitored.weights))
    for bad in (0, len(X) + 1, 2.5, "all"):
        with pytest.raises(ValueError, match="monitor"):
            sgd(Network([2, 6, 2], rng=1), (X, labels), 1, 10, 3.0, monitor=bad)


def test_an_empty_history_says_what_is_missing():
    history = sgd(Network([2, 3, 2], rng=0), xor_like(), 1, 10, 1.0)
    with pytest.raises(ValueError, match="pass test="):
        _ = history.best
    with pytest.raises(ValueError, match="pass validation="):
        _ = history.best_epoch
    assert history.stopped_early is False


def test_patience_stops_and_keeps_the_best_validation_epoch():
    """Validation labels drawn at random: accuracy wanders, so patience = 2 stops early.
    The weights kept are those of a plain run stopped after the best epoch."""
    X, labels = xor_like(seed=1)
    noise = np.random.default_rng(0).integers(0, 2, 200)
    net = Network([2, 4, 2], rng=2)
    history = sgd(net, (X, labels), 60, 20, 0.5, validation=(X, noise), patience=2, rng=3)
    best = history.best_epoch
    assert history.stopped_early
    assert len(history.validation_correct) == best + 3  # two epochs without improvement
    assert history.validation_correct[best] > max(history.validation_correct[:best], default=0)
    assert history.validation_correct[best] >= max(history.validation_correct[best + 1 :])
    plain = Network([2, 4, 2], rng=2)
    sgd(plain, (X, labels), best + 1, 20, 0.5, rng=3)
    assert same_parameters(net, plain)


def test_verbose_prints_the_lecture_lines(capsys):
    X, labels = xor_like()
    sgd(
        Network([2, 3, 2], rng=0), (X, labels), 2, 10, 1.0, test=(X[:50], labels[:50]), verbose=True
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Epoch 1", "Epoch 2"]
    assert lines[0].endswith(" / 50")


# --- when training goes wrong ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_divergence_stops_training_with_advice(engine):
    """Sigmoids saturate rather than overflow, so a NaN weight is planted by hand here."""
    X, labels = xor_like()
    net = Network([2, 3, 2], rng=0)
    net.weights[0][0, 0] = np.nan
    with pytest.raises(TrainingDiverged, match="epoch 1 with eta = 3.0.*smaller learning rate"):
        sgd(net, (X, labels), 2, 2, 3.0, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("eta", [1e4, 1e300])
def test_a_huge_eta_is_reported_as_saturation(engine, eta):
    X, labels = xor_like()
    net = Network([2, 3, 2], rng=0)
    with pytest.raises(
        NetworkSaturated, match=r"stalled.*saturated.*gradient has vanished"
    ) as caught:
        sgd(net, (X, labels), 5, 2, eta, test=(X, labels), engine=engine)
    assert len(caught.value.history.correct) == 1  # found after the first epoch
    num_w, num_b = numerical_gradients(net, X, np.eye(2)[labels])  # what the message says
    assert max(np.max(np.abs(g)) for g in num_w + num_b) < 1e-9


def test_an_eta_too_small_to_move_anything_is_reported():
    X, labels = xor_like()
    with pytest.raises(TrainingStalled, match="too small") as caught:
        sgd(Network([2, 3, 2], rng=0), (X, labels), 2, 10, 1e-30)
    assert not isinstance(caught.value, NetworkSaturated)


def test_a_network_that_fits_its_data_exactly_is_not_reported():
    """Saturated at the right answers: the gradient vanishes because the cost is 0."""
    x = np.array([[0.1], [0.2], [0.8], [0.9]])
    labels = np.array([0, 0, 1, 1])
    net = Network([1, 2], rng=0)
    net.weights, net.biases = [np.array([[-1000.0], [1000.0]])], [np.array([500.0, -500.0])]
    history = sgd(net, (x, labels), 3, 2, 3.0, test=(x, labels), engine="numpy")
    assert history.correct == [4, 4, 4]


@needs_numba
def test_where_the_line_lies_for_the_lectures_network(mnist):
    """Notebook 06 runs [784, 30, 10] at eta = 100 and shows it stuck near chance, its
    accuracy still changing: such a run keeps going (from seed 1 too, measured: it moves
    its weights by 1e-3 of the largest per epoch, 1e5 times the line).  At eta = 1e4 the
    network is frozen after one epoch and reported as saturated."""
    training, _, test = mnist
    history = sgd(Network([784, 30, 10], rng=1), training, 2, 10, 100.0, test=test, rng=1)
    assert len(history.correct) == 2 and max(history.correct) < 3000
    with pytest.raises(NetworkSaturated) as caught:
        sgd(Network([784, 30, 10], rng=1), training, 3, 10, 1e4, test=test, rng=1)
    assert len(caught.value.history.correct) == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_one_nan_pixel_is_reported_and_nothing_is_learned(engine):
    X, labels = xor_like()
    X[137, 1] = np.nan
    net = Network([2, 3, 2], rng=0)
    before = [p.copy() for p in net.weights + net.biases]
    with pytest.raises(ValueError, match="NaN or infinite"):
        sgd(net, (X, labels), 2, 10, 1.0, rng=1, engine=engine)
    for p, old in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(p, old)


# --- bad input: a clear message for each ---------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(X=np.zeros((10, 3))), r"shape \(n, 2\)"),
        (dict(X=np.array([["a", "b"]] * 10)), "must be numbers"),
        (dict(eta=0.0), "eta must be a positive"),
        (dict(eta=-1.0), "eta must be a positive"),
        (dict(eta=float("nan")), "eta must be a positive"),
        (dict(eta=None), "eta must be a positive number, got None"),
        (dict(eta=True), "eta must be a positive number, got True"),
        (dict(eta="3"), "eta must be a positive number"),
        (dict(m=0), "mini_batch_size"),
        (dict(m=11), "mini_batch_size"),
        (dict(m=2.5), "mini_batch_size"),
        (dict(labels=np.full(10, 2)), r"0\.\.1"),
        (dict(labels=np.full(10, -1)), r"0\.\.1"),
        (dict(labels=np.zeros(9, dtype=int)), "one per input"),
        (dict(X=np.full((10, 2), np.nan)), "NaN"),
        (dict(epochs=0), "epochs must be a whole number"),
        (dict(epochs=-3), "epochs must be a whole number"),
        (dict(epochs=2.7), "epochs must be a whole number"),
        (dict(epochs=True), "epochs must be a whole number"),
        (dict(test=np.zeros((10, 2))), r"test must be a pair \(images, labels\)"),
        (dict(validation=(np.zeros((10, 2)),)), r"validation must be a pair"),
        (dict(test=(np.zeros((10, 2)), np.zeros(10))), "integers"),
        (dict(patience=3), "patience needs validation"),
        (dict(patience=0, validation=(np.zeros((4, 2)), np.zeros(4, int))), "patience must be"),
        (dict(engine="gpu"), "engine must be"),
        (dict(dtype="float16"), "dtype must be"),
        (dict(dtype="float32", engine="numpy"), "compiled path"),
    ],
)
def test_bad_input_to_sgd_is_a_clear_error(change, message):
    args = dict(X=np.zeros((10, 2)), labels=np.zeros(10, dtype=int), eta=1.0, m=2, epochs=1)
    args.update(change)
    keywords = {
        k: args[k] for k in ("test", "validation", "patience", "engine", "dtype") if k in args
    }
    net = Network([2, 3, 2], rng=0)
    with pytest.raises(ValueError, match=message):
        sgd(net, (args["X"], args["labels"]), args["epochs"], args["m"], args["eta"], **keywords)


@pytest.mark.parametrize(
    "sizes, message",
    [
        ([4, 3.7], r"every layer size must be a whole number.*3\.7"),
        ([4, 0], "every layer size must be a whole number of at least 1"),
        ([4], "at least two layer sizes"),
        ("43", "at least two layer sizes"),
        ([4, True], "whole number"),
        ([784, 10**9, 10], "would need"),
    ],
)
def test_bad_sizes_are_a_clear_error(sizes, message):
    with pytest.raises(ValueError, match=message):
        Network(sizes)
    assert Network((4, 3.0)).sizes == [4, 3]  # a whole number written as a float is fine


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda net: net.backprop(np.zeros((3, 2)), np.zeros((3, 3))), r"shape \(3, 2\)"),
        (lambda net: net.backprop(np.zeros((3, 2)), np.zeros((4, 2))), r"shape \(3, 2\)"),
        (lambda net: net.backprop(np.zeros((0, 2)), np.zeros((0, 2))), "at least one example"),
        (lambda net: net.backprop(np.zeros((3, 5)), np.zeros((3, 2))), r"shape \(n, 2\)"),
        (
            lambda net: net.update_mini_batch(np.zeros((0, 2)), np.zeros((0, 2)), 1.0),
            "at least one",
        ),
        (lambda net: net.update_mini_batch(np.zeros((3, 2)), np.zeros((3, 2)), None), "eta"),
        (lambda net: net.update_mini_batch(np.full((3, 2), np.nan), np.zeros((3, 2)), 1), "NaN"),
        (lambda net: net.cost(np.zeros((3, 2)), np.full((3, 2), np.inf)), "NaN or infinite"),
        (lambda net: net.cost(np.zeros((3, 2)), np.zeros(4, int)), "one per input"),
        (lambda net: net.evaluate(np.zeros((3, 2)), np.zeros(4, int)), "one per input"),
    ],
)
def test_the_building_blocks_check_their_input(call, message):
    with pytest.raises(ValueError, match=message):
        call(Network([2, 3, 2], rng=0))


@pytest.mark.parametrize("engine", ENGINES)
def test_integer_weights_are_refused_not_truncated(engine):
    X, labels = xor_like()
    net = Network([2, 3, 2], rng=0)
    net.weights[0] = np.ones((3, 2), dtype=np.int64)
    with pytest.raises(ValueError, match=r"net.weights\[0\] must be a float array"):
        sgd(net, (X, labels), 1, 10, 1.0, engine=engine)
    with pytest.raises(ValueError, match=r"net.weights\[0\] must be a float array"):
        net.update_mini_batch(X[:5], np.eye(2)[labels[:5]], 1.0)
    net.weights[0] = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"shape \(3, 2\)"):
        sgd(net, (X, labels), 1, 10, 1.0, engine=engine)


# --- the engine --------------------------------------------------------------------------


def run_python(code, *args):
    """The lines that ``code`` prints, run by this Python in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


_TRAIN_WITHOUT_NUMBA = """
import sys
sys.modules["numba"] = None  # import numba fails, as where it is not installed
import numpy as np
from lectures_lib.network import Network
from lectures_lib.runs import sgd

rng = np.random.default_rng(0)
X, labels = rng.random((200, 2)), rng.integers(0, 2, 200)
for _ in range(2):
    net = Network([2, 3, 2], rng=0)
    history = sgd(net, (X, labels), 2, 10, 1.0, rng=1)  # engine="auto"
    print(history.engine, net.weights[0].tobytes().hex())
try:
    sgd(Network([2, 3, 2], rng=0), (X, labels), 1, 10, 1.0, engine="numba")
except ImportError as error:
    print(error)
"""


def test_without_numba_one_line_says_so_and_numpy_trains():
    rng = np.random.default_rng(0)
    X, labels = rng.random((200, 2)), rng.integers(0, 2, 200)
    expected = Network([2, 3, 2], rng=0)
    sgd(expected, (X, labels), 2, 10, 1.0, rng=1, engine="numpy")
    lines = run_python(_TRAIN_WITHOUT_NUMBA)
    assert len(lines) == 4 and "compiled path is off (numba cannot be imported" in lines[0]
    assert lines[1:3] == [f"numpy {expected.weights[0].tobytes().hex()}"] * 2
    assert lines[3].startswith("engine='numba' cannot be used: numba cannot be imported")


@needs_numba
def test_the_engine_used_is_recorded():
    X, labels = xor_like()
    assert sgd(Network([2, 3, 2], rng=0), (X, labels), 1, 10, 1.0).engine == "numba"
    assert sgd(Network([2, 3, 2], rng=0), (X, labels), 1, 10, 1.0, engine="numpy").engine == "numpy"


@needs_numba
def test_a_changed_gemm_declaration_switches_the_compiled_path_off():
    """If numba's numba_xxgemm ever takes other arguments than those passed here, the
    check refuses it before any call through it."""
    from numba.core import types

    def changed(dtype):
        pointer = types.CPointer(dtype)
        return types.intc(types.char, types.char, types.intp, pointer, pointer, types.intp)

    works, reason = _compiled.check_gemm("9.9", declaration=changed)
    assert (
        not works and "numba 9.9 declares numba_xxgemm as" in reason and "not as tested" in reason
    )
    assert _compiled.check_gemm("9.9") == (True, "")  # numba's own declaration passes


@needs_numba
def test_a_numba_that_fails_the_check_switches_the_compiled_path_off():
    def broken(dtype):
        raise RuntimeError("numba was built for ILP64 BLAS")

    works, reason = _compiled.check_gemm("9.9", declaration=broken)
    assert not works and "failed the check" in reason and "ILP64" in reason


_TRAIN_IN_A_FRESH_PROCESS = """
import numpy as np
from lectures_lib import _compiled
from lectures_lib.network import Network
from lectures_lib.runs import sgd

for sizes in ([784, 30, 10], [784, 30, 30, 10], [784, 30, 30, 30, 10]):
    X = (np.random.default_rng(0).random((20, 784)) * 255).astype(np.uint8)
    sgd(Network(sizes, rng=0), (X, np.arange(20) % 10), 1, 10, 3.0)
print(*_compiled.kernels_from_cache())
"""


@needs_numba
def test_warm_cache_leaves_nothing_for_a_notebook_to_compile():
    """`python -m lectures_lib data` (make lab / test / present) warms numba's cache, so
    that a notebook's kernel loads the training kernel for 2-4 layers instead of compiling
    it (seconds, and about 50 MB of memory, in every kernel).  Uses numba's own cache
    folder: warm after the first run, so the test takes seconds."""
    warmed = run_python("from lectures_lib._compiled import warm_cache; print(warm_cache())")
    assert warmed[-1].startswith("the compiled training path is ready")
    assert run_python(_TRAIN_IN_A_FRESH_PROCESS)[-1] == "3 0"  # three loaded, none compiled

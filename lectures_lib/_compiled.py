"""The compiled training path: one epoch of mini-batch SGD in numba.

It computes what `lectures_lib.network.Network.update_mini_batch` computes, with the same
matrix products in the same row layout (a layer is a' = sigma(a w^T + b)), but without
Python's overhead between them and without temporary arrays.  numba is optional and
imported on first use only: `status()` says whether this path works here, and why not.

The weight step calls BLAS's gemm through numba's own C helper ``numba_xxgemm``, with the
declaration numba itself uses (`numba.np.linalg._BLAS`).  Before the first use, that
declaration is compared with the call made here and one small product is checked against
numpy; if either differs (a future numba), training falls back to the numpy path and says
so in one line.  Checked against the numpy path in ``tests/test_network.py``.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

TESTED_NUMBA = "0.58 to 0.68"  # the numba versions this file was checked with (pyproject caps it)


def _subtract_product(w, delta, a):
    """w (n_out, n_in) -= delta.T @ a, in place, for delta (k, n_out) and a (k, n_in).

    All C-contiguous and of one float dtype.  One gemm with beta = 1 adds the product
    straight into w, so no gradient array is written and read back.  (Replaced below by
    its compiled form, `_subtract_product_impl`; this is the same thing in numpy.)
    """
    w -= delta.T @ a


def _sigmoid_plus_bias(z, b):
    """z (k, n_out) <- sigma(z + b), in place.

    Compiled code raises no warnings: for z + b < -709, e^-(z+b) is inf and 1/(1 + inf)
    is exactly 0, so the plain formula is safe here and needs no branch.
    """
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] = 1.0 / (1.0 + np.exp(-(z[i, j] + b[j])))


GREY_LEVELS = np.arange(256) / 255.0  # level / 255.0 for every uint8 level, as numpy divides


def _gather(x, X, rows, levels):
    """x[i] (n_in,) <- the input X[rows[i]], for i < len(rows): an integer grey level as
    levels[level] (exactly level / 255.0, looked up rather than divided), a float as it is.

    (Replaced below by its compiled form, `_gather_impl`; this is the same in numpy.)
    """
    x[: len(rows)] = levels[X[rows]] if X.dtype.kind in "iu" else X[rows]


def _sgd_epoch(weights, biases, X, Y, perm, m, eta, levels):
    """One epoch, in place on weights[l] (n_out, n_in) and biases[l] (n_out,).

    X (n, n_in) and Y (n, n_out) are the data, perm (n,) the epoch's shuffle, m the
    mini-batch size, eta the learning rate; integer inputs are read as levels[X] (see
    `_gather`) as each mini-batch is gathered.  The arithmetic is in the weights' dtype
    (float64, or float32 for sgemm).  All buffers are allocated once: activations[l]
    (m, n_l) and deltas[l] (m, n_out of layer l).
    """
    n, n_layers, dtype = perm.shape[0], len(weights), weights[0].dtype
    activations = [np.empty((m, X.shape[1]), dtype)]
    for w in weights:
        activations.append(np.empty((m, w.shape[0]), dtype))
    deltas = [np.empty((m, w.shape[0]), dtype) for w in weights]
    for start in range(0, n, m):
        k = min(m, n - start)
        _gather(activations[0], X, perm[start : start + k], levels)
        for layer in range(n_layers):  # feedforward: a' = sigma(a w^T + b)
            z = activations[layer + 1][:k]
            np.dot(activations[layer][:k], weights[layer].T, z)
            _sigmoid_plus_bias(z, biases[layer])
        a, delta = activations[n_layers], deltas[n_layers - 1]
        scale = eta / k  # delta is kept multiplied by eta/m from here on
        for i in range(k):  # output layer: (a - y) sigma'(z), with sigma'(z) = a (1 - a)
            y = Y[perm[start + i]]
            for j in range(a.shape[1]):
                delta[i, j] = (a[i, j] - y[j]) * a[i, j] * (1.0 - a[i, j]) * scale
        for layer in range(n_layers - 1, -1, -1):  # backpropagate, then step
            a_in, delta = activations[layer][:k], deltas[layer][:k]
            w, b = weights[layer], biases[layer]
            if layer > 0:  # the previous layer's delta (with w before its step) times sigma'
                previous = deltas[layer - 1][:k]
                np.dot(delta, w, previous)
                for i in range(k):
                    for j in range(previous.shape[1]):
                        previous[i, j] *= a_in[i, j] * (1.0 - a_in[i, j])
            _subtract_product(w, delta, a_in)  # w -= (eta/m) nabla_w
            for j in range(w.shape[0]):
                b[j] -= delta[:, j].sum()


def _gemm_check(w, delta, a):
    """`_subtract_product` called from compiled code, for the check in `status()`."""
    _subtract_product(w, delta, a)


def _subtract_product_impl(w, delta, a):
    """Compiled `_subtract_product` for w's dtype: gemm through numba's own declaration.

    In BLAS's column-major terms w is w.T (n_in, n_out), so the call computes
    w.T <- 1 * w.T - 1 * a.T @ delta (a.T as stored, delta transposed).
    """
    from numba.np.linalg import _BLAS, get_blas_kind
    from numba.np.numpy_support import as_dtype

    xxgemm = _BLAS().numba_xxgemm(w.dtype)  # checks scipy's BLAS integer width, too
    kind = ord(get_blas_kind(w.dtype))
    minus_one, one = np.full(1, -1.0, as_dtype(w.dtype)), np.ones(1, as_dtype(w.dtype))

    def impl(w, delta, a):
        xxgemm(
            kind, ord("N"), ord("T"), w.shape[1], w.shape[0], a.shape[0],
            minus_one.ctypes, a.ctypes, a.shape[1], delta.ctypes, delta.shape[1],
            one.ctypes, w.ctypes, w.shape[1],
        )  # fmt: skip

    return impl


def _gather_impl(x, X, rows, levels):
    """Compiled `_gather`, for X's dtype: a table look-up for integers, a copy for floats."""
    from numba.core import types

    if isinstance(X.dtype, types.Integer):

        def impl(x, X, rows, levels):
            for i in range(rows.shape[0]):
                for j in range(x.shape[1]):
                    x[i, j] = levels[X[rows[i], j]]

    else:

        def impl(x, X, rows, levels):
            for i in range(rows.shape[0]):
                for j in range(x.shape[1]):
                    x[i, j] = X[rows[i], j]

    return impl


def _expected_gemm_signature(types, dtype):
    """The argument types `_subtract_product_impl` passes, as numba spells them."""
    pointer = types.CPointer(dtype)
    return types.intc(
        types.char, types.char, types.char, types.intp, types.intp, types.intp,
        pointer, pointer, types.intp, pointer, types.intp, pointer, pointer, types.intp,
    )  # fmt: skip


@functools.cache
def _compile():
    """Compile the functions above with numba (raises ImportError without it)."""
    import numba
    from numba.extending import overload

    overload(_subtract_product)(_subtract_product_impl)
    overload(_gather)(_gather_impl)
    jit = numba.njit(cache=True, nogil=True)  # nogil: train_runs runs epochs in threads
    global _sigmoid_plus_bias, _sgd_epoch, _gemm_check
    _sigmoid_plus_bias = jit(_sigmoid_plus_bias)
    _sgd_epoch = jit(_sgd_epoch)
    _gemm_check = jit(_gemm_check)
    return numba.__version__


_FIRST_CALL = threading.Lock()  # two threads compiling at once made numba jit a jitted function


def status() -> tuple[bool, str]:
    """(True, "") when the compiled path works here, else (False, the reason in words).

    Checks, once per process: numba imports, and `check_gemm` passes.  Nothing is called
    through a declaration that differs, so a changed numba can only switch this path
    off, never corrupt memory.  Safe to call from several threads at once.
    """
    with _FIRST_CALL:
        return _status()


@functools.cache
def _status() -> tuple[bool, str]:
    try:
        version = _compile()
    except ImportError as err:
        return False, f"numba cannot be imported: {err} (pip install numba)"
    return check_gemm(version)


def check_gemm(version: str, declaration=None) -> tuple[bool, str]:
    """(True, "") when numba's numba_xxgemm can be called as `_subtract_product_impl`
    calls it, else (False, why), for float64 and float32: the declaration is the call
    made here, and w -= delta.T @ a computed through it equals numpy's product on a small
    case.  Any failure, even of the check itself, is a reason not to use the path.

    version: numba's version, for the message; declaration(dtype): the signature that
    numba declares for numba_xxgemm of a numba dtype (default: numba's own declaration).
    """
    try:
        from numba.core import types
        from numba.np.linalg import _BLAS

        declaration = declaration or (lambda dtype: _BLAS().numba_xxgemm(dtype).sig)
        for dtype, nb_dtype, tolerance in [
            (np.float64, types.float64, 1e-12),
            (np.float32, types.float32, 1e-5),
        ]:
            declared = declaration(nb_dtype)
            if declared != _expected_gemm_signature(types, nb_dtype):
                return (
                    False,
                    f"numba {version} declares numba_xxgemm as {declared}, "
                    f"not as tested (numba {TESTED_NUMBA})",
                )
            rng = np.random.default_rng(0)
            w, delta, a = (rng.random(shape).astype(dtype) for shape in [(3, 2), (4, 3), (4, 2)])
            expected = w - delta.T @ a
            _gemm_check(w, delta, a)
            if not np.allclose(w, expected, rtol=0, atol=tolerance):
                return False, f"numba {version}: gemm through numba_xxgemm gives wrong numbers"
    except Exception as err:  # a numba that cannot even run the check: do not use it
        return False, f"numba {version} failed the check of numba_xxgemm ({err})"
    return True, ""


@functools.cache
def _say_once(line: str) -> None:
    print(line)


def use(engine: str, dtype) -> bool:
    """True when `runs.sgd` should use this compiled path for ``engine`` and ``dtype``.

    engine: "numpy" (never), "numba" (always, or an ImportError saying why it cannot),
    "auto" (when `status()` allows; otherwise one printed line, once per process, says
    that training falls back to the numpy path).  dtype float32 needs this path.
    """
    if engine not in ("auto", "numpy", "numba"):
        raise ValueError(f"engine must be 'auto', 'numpy' or 'numba', got {engine!r}")
    if engine == "numpy":
        if dtype != np.float64:
            raise ValueError("dtype='float32' is for the compiled path: use engine='auto'")
        return False
    works, reason = status()
    if engine == "numba" and not works:
        raise ImportError(f"engine='numba' cannot be used: {reason}; use engine='numpy'")
    if not works:
        _say_once(
            f"lectures_lib: the compiled path is off ({reason}); training uses the numpy "
            "path, in float64: slower, the same arithmetic."
        )
    return works


def readable(X) -> np.ndarray:
    """X (n, n_in) in a dtype the compiled epoch reads, converted once if it must be:
    integers and float32/float64 in the machine's byte order are used as they are; other
    floats (float16, longdouble, big-endian) become float64, as the numpy path converts
    each mini-batch (`network.scaled`), and other integers the same integers in native order."""
    X = np.asarray(X)
    if X.dtype.kind == "f" and X.dtype not in (np.float32, np.float64):
        return X.astype(np.float64)  # == compares the byte order too
    if not X.dtype.isnative:
        return X.astype(X.dtype.newbyteorder("="))
    return X


def sgd_epoch(weights, biases, X, Y, perm, m, eta, dtype=np.float64) -> None:
    """Run `_sgd_epoch` compiled; weights[l] and biases[l] are updated in place.

    X (n, n_in), as `readable` returns it: integer grey levels (read as level / 255.0 as
    each mini-batch is gathered, exactly the numbers of numpy's X / 255.0) or floats in
    [0, 1].  Y (n, n_out) targets.  The arithmetic runs
    in ``dtype``: the weights are trained as copies of that dtype (and C order, which
    BLAS needs) whenever theirs differs, and copied back into the network's arrays.
    """
    params = weights + biases
    work = [np.ascontiguousarray(p, dtype=dtype) for p in params]
    n = len(weights)
    _sgd_epoch(
        tuple(work[:n]),
        tuple(work[n:]),
        X,
        Y.astype(dtype, copy=False),
        perm,
        m,
        float(eta),
        GREY_LEVELS,
    )
    for p, w in zip(params, work):
        if w is not p:
            p[...] = w


def kernels_from_cache() -> tuple[int, int]:
    """(loaded, compiled): how many versions of the training kernel this process has
    loaded from numba's on-disk cache and how many it had to compile (0, 0 before the
    first compiled epoch).  After `warm_cache`, a notebook's kernel should compile none."""
    stats = getattr(_sgd_epoch, "stats", None)  # numba's dispatcher keeps the counts
    if stats is None:
        return 0, 0
    return sum(stats.cache_hits.values()), sum(stats.cache_misses.values())


def warm_cache() -> str:
    """Compile the training kernel for the networks the notebooks train (2, 3 and 4
    layers; uint8 images in float64, and float32; float inputs) into numba's on-disk cache,
    so that a notebook's kernel loads it instead of compiling (compiling takes seconds and
    about 50 MB more memory in every kernel that does it).  Returns a line saying what was
    done, or why nothing was (numba missing or switched off)."""
    works, reason = status()
    if not works:
        return f"the compiled path is off here ({reason}): nothing to prepare"
    rng = np.random.default_rng(0)
    cases = [(np.uint8, np.float64, n) for n in (2, 3, 4)]
    cases += [(np.uint8, np.float32, 2), (np.float64, np.float64, 2)]
    for x_dtype, dtype, n_layers in cases:
        sizes = [3] * n_layers + [2]
        weights = [rng.standard_normal((b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
        biases = [rng.standard_normal(b) for b in sizes[1:]]
        X = (rng.random((4, 3)) * 255).astype(x_dtype)
        Y = np.eye(2)[rng.integers(0, 2, 4)]
        sgd_epoch(weights, biases, X, Y, np.arange(4), 2, 0.1, dtype)
    return f"the compiled training path is ready ({len(cases)} kernels in numba's cache)"

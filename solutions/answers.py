"""Answers to the notebooks' exercises, with the working, keyed like lectures_lib.exercises."""

import numpy as np

ANSWERS = {
    # C = x^2 + 3y^2: dC/dx = 2x = 2, dC/dy = 6y = 12 at (1, 2)
    "01.gradient": (2.0, 12.0),
    # Hessian of 2x^2 + y^2/2 is diag(4, 1); lambda_max = 4, so eta < 2/4
    "01.eta_limit": 0.5,
    # round bowl: grad C(v) = v, so v - 0.1 v = 0.9 v
    "01.one_step": (0.9, 1.8),
    # y_hat = 1*1 + 1*2 + 0 = 3, y = 2: dL/db = 2 (y_hat - y) = 2
    "02.grad_b": 2.0,
    # dL/dw2 = 2 (y_hat - y) x2 = 2 * 1 * 2 = 4
    "02.grad_w2": 4.0,
    # spread ~ 1/sqrt(m): halving it needs m four times larger
    "02.batch_growth": 4.0,
    # sigma(0) = 1/2, sigma'(0) = 1/2 * 1/2
    "03.sigmoid_prime_0": 0.25,
    # s = sigma(2) = 0.8808, s (1 - s) = 0.1050
    "03.sigmoid_prime_2": float(1 / (1 + np.exp(-2)) * (1 - 1 / (1 + np.exp(-2)))),
    # delta = (a - y) a (1 - a) = (-0.2)(0.8)(0.2)
    "03.delta": -0.032,
}

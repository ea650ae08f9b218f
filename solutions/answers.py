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
    # 1135 of the 10,000 test images are 1s
    "04.always_one": 0.1135,
    "04.one_hot_3": (0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
    # 784*100 + 100 + 100*10 + 10
    "05.n_parameters": 79_510,
    # 50,000 / 10 mini-batches, one step each
    "05.steps": 5_000,
    # 5,000 steps per epoch, 30 epochs
    "06.total_steps": 150_000,
    # var(z) = 100 * var(w) * 1^2 = 100, so std 10
    "06.z_spread": 10.0,
    # 5 = 4 + 1 = 0101
    "07.code_of_5": (0, 1, 0, 1),
    # 6 more neurons x (30 weights + 1 bias)
    "07.extra_parameters": 186,
    # each of 3 cuts made or not: 2**3
    "08.segmentations": 8,
    # 0.975**5
    "08.string_accuracy": 0.975**5,
    # 280 / 20
    "09.shrink": 14.0,
}

"""Worked solutions to the exercises of notebook 02 (linear regression by SGD)."""

# 02.grad_w2: w = (1, 1), b = 0, x = (2, 3), y = 2.
# ŷ = 1·2 + 1·3 + 0 = 5;  ∂L/∂ŷ = 2(ŷ − y) = 2·3 = 6;  ∂ŷ/∂w₂ = x₂ = 3.
GRAD_W2 = 2 * (5 - 2) * 3

# 02.batch_growth: the spread falls like 1/√m. A third of the spread needs √m three times
# as large, so m nine times as large.
BATCH_GROWTH = 3**2


def batch_gradients(w, b, X, y):
    """Mean gradient of L = (ŷ − y)² over the mini-batch X (m, 2), y (m,)."""
    y_hat = X @ w + b  # (m,) all predictions at once
    dL_dyhat = 2 * (y_hat - y)  # (m,) the chain rule's first factor, per example
    dL_dw = dL_dyhat @ X / len(y)  # Σ_j dL/dŷ_j · x_j, averaged: (2,)
    dL_db = dL_dyhat.mean()  # ∂ŷ/∂b = 1
    return dL_dw, dL_db


SOLUTIONS = {
    "02.grad_w2": GRAD_W2,
    "02.batch_growth": BATCH_GROWTH,
    "02.batch_gradients": batch_gradients,
}

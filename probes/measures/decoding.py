"""Linear readouts of a concept from a layer: L2-regularised logistic regression (SciPy's L-BFGS), and the area
under the ROC curve, which suits concepts with few positive photographs."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import rankdata


class LogisticReadout:
    """Fit on standardised features; `weights` are in standard-deviation units of each feature."""

    def __init__(self, penalty: float = 1.0):
        self.penalty = penalty

    def fit(self, features: np.ndarray, labels: np.ndarray) -> LogisticReadout:
        self.mean, self.scale = features.mean(0), features.std(0)
        self.scale[self.scale == 0] = 1.0
        x = (features - self.mean) / self.scale
        y = labels.astype(float)
        balance = np.where(y > 0, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))  # rare concepts count

        def loss(theta):
            w, b = theta[:-1], theta[-1]
            p = expit(x @ w + b)
            eps = 1e-12
            value = -np.sum(balance * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) / len(y)
            gradient = x.T @ (balance * (p - y)) / len(y)
            return value + 0.5 * self.penalty * w @ w / len(y), \
                np.append(gradient + self.penalty * w / len(y), np.sum(balance * (p - y)) / len(y))

        result = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
        self.weights, self.bias = result.x[:-1], result.x[-1]
        return self

    def score(self, features: np.ndarray) -> np.ndarray:
        return (features - self.mean) / self.scale @ self.weights + self.bias


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half; 0.5 when one class is absent."""
    labels = labels.astype(bool)
    positives, negatives = labels.sum(), (~labels).sum()
    if positives == 0 or negatives == 0:
        return 0.5
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def shuffled_auc(train_x, train_y, test_x, test_y, *, shuffles: int = 20, seed: int = 0) -> np.ndarray:
    """Test AUCs of the whole procedure when labels mean nothing: a readout fitted to shuffled training labels,
    judged on shuffled test labels. (Judged on the true test labels instead, a readout of random weights still
    scores a tight concept far from 0.5, high or low, at random: no floor for "decodable".)"""
    rng = np.random.default_rng(seed)
    return np.array([auc(LogisticReadout().fit(train_x, rng.permutation(train_y)).score(test_x),
                         rng.permutation(test_y)) for _ in range(shuffles)])

"""Binary hash codes for image retrieval (Lin, Yang, Hsiao, Chen 2015, "Deep learning of
binary hash codes for fast image retrieval", DLBHC): a latent layer of k sigmoid units
between the features and the classifier, trained through the classification loss; the code
of an image is its latent thresholded at 0.5.

Here the feature layers are W1A1 (so they compile) and the latent layer is a binary linear
layer with BatchNorm: sigmoid(z) >= 0.5 is z >= 0, the sign, so the code layer compiles to
one more thresholded XNOR-popcount layer. `CodeNet` is the part up to the code that
`hwgen compile` takes; its hardware emits the k code bits of each image.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from hwgen.train.activations import binary_act
from hwgen.train.layers import binary_linear


class HashMLP(nn.Module):
    """Input BN + sign, binary hidden layers, a k-unit latent (binary weights, BN; sigmoid in
    training, its 0.5 threshold as code), and a float classifier on the latent."""

    def __init__(
        self, in_features: int, bits: int, num_classes: int, hidden=(256,), dropout: float = 0.1
    ):
        super().__init__()
        layers: list[nn.Module] = [nn.BatchNorm1d(in_features), binary_act()]
        n = in_features
        for h in hidden:
            layers += [binary_linear(n, h), nn.BatchNorm1d(h), binary_act(), nn.Dropout(dropout)]
            n = h
        layers += [binary_linear(n, bits), nn.BatchNorm1d(bits)]
        self.features = nn.Sequential(*layers)
        self.code_sign = binary_act()
        self.classifier = nn.Linear(bits, num_classes)

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        """The pre-sigmoid latent z (code bit = z >= 0)."""
        return self.features(x.reshape(x.shape[0], -1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.sigmoid(self.latent(x)))


class CodeNet(nn.Module):
    """A trained HashMLP up to its code: outputs +-1 per bit (BipolarQuant), what compiles."""

    def __init__(self, net: HashMLP):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.code_sign(self.net.latent(x))


def codes_from_torch(net: HashMLP, x: np.ndarray) -> np.ndarray:
    """(N, k) uint8 code bits from PyTorch (latent >= 0)."""
    net.eval()
    with torch.no_grad():
        return (net.latent(torch.from_numpy(x)).numpy() >= 0).astype(np.uint8)


def lsh_codes(
    x_db: np.ndarray, x_query: np.ndarray, bits: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random-projection LSH baseline: sign of k Gaussian projections of the centred inputs."""
    rng = np.random.default_rng(seed)
    mean = x_db.reshape(len(x_db), -1).mean(0)
    r = rng.standard_normal((x_db.reshape(len(x_db), -1).shape[1], bits))
    enc = lambda x: ((x.reshape(len(x), -1) - mean) @ r >= 0).astype(np.uint8)  # noqa: E731
    return enc(x_db), enc(x_query)

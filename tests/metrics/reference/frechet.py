"""The Frechet distance as pytorch-fid computes it (Heusel et al. 2017): means and covariances (n - 1 denominator)
by numpy, the matrix square root by scipy.linalg.sqrtm of the product, its imaginary round-off dropped."""
import numpy as np
from scipy import linalg

from common import answer, load

data = load()
a = np.asarray(data["a"], dtype=np.float64)
b = np.asarray(data["b"], dtype=np.float64)
mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
root = linalg.sqrtm(s_a @ s_b)
if np.iscomplexobj(root):
    root = root.real
answer({"fid": float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(root))})

"""KID by the textbook formula (Binkowski et al. 2018; torch-fidelity's mmd2 'unbiased'), on the subsets the test
names. A subset's kernel sums are read from the whole sets' kernel matrices as 1_S' K 1_S (its indices are distinct,
checked), which takes seconds for 100 subsets of 1000 rows where cutting out each subset's matrices takes ten."""
import numpy as np

from common import answer, load


def kernel(x, y):
    return (x @ y.T / x.shape[1] + 1) ** 3


def mmd2(sum_xx, sum_yy, sum_xy, m, n):
    """sum_xx, sum_yy: over pairs i != j; sum_xy: over all pairs."""
    return sum_xx / (m * (m - 1)) + sum_yy / (n * (n - 1)) - 2 * sum_xy / (m * n)


def indicator(indices, n):
    assert len(set(indices)) == len(indices), "a subset drew an index twice"
    v = np.zeros(n)
    v[indices] = 1.0
    return v


data = load()
a = np.asarray(data["a"], dtype=np.float64)
b = np.asarray(data["b"], dtype=np.float64)
kaa, kbb, kab = kernel(a, a), kernel(b, b), kernel(a, b)
whole = mmd2(kaa.sum() - np.trace(kaa), kbb.sum() - np.trace(kbb), kab.sum(), len(a), len(b))
per = []
for ia, ib in data["subsets"]:
    u, v = indicator(ia, len(a)), indicator(ib, len(b))
    sum_xx = u @ kaa @ u - kaa.diagonal()[ia].sum()
    sum_yy = v @ kbb @ v - kbb.diagonal()[ib].sum()
    per.append(float(mmd2(sum_xx, sum_yy, u @ kab @ v, len(ia), len(ib))))
answer({"whole": float(whole), "perSubset": per, "mean": float(np.mean(per)), "std": float(np.std(per))})

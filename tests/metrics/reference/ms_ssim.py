"""SSIM (Wang et al. 2004) and MS-SSIM (Wang, Simoncelli & Bovik 2003) as tf.image.ssim_multiscale computes them:
valid-region Gaussian filtering (scipy.signal.correlate2d with the explicit 11x11 window), mean cs at every scale
but the last, mean SSIM at the last, both clipped at 0, odd sides padded symmetrically before 2x2 average pooling."""
import numpy as np
from scipy.signal import correlate2d

from common import answer, images, load

C1 = 0.01 ** 2
C2 = 0.03 ** 2
WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
g = np.exp(-((np.arange(11) - 5.0) ** 2) / (2 * 1.5 ** 2))
g /= g.sum()
WINDOW = np.outer(g, g)


def ssim_and_cs(x, y):
    f = lambda z: correlate2d(z, WINDOW, mode="valid")
    mx, my = f(x), f(y)
    vx = f(x * x) - mx ** 2
    vy = f(y * y) - my ** 2
    cov = f(x * y) - mx * my
    cs = (2 * cov + C2) / (vx + vy + C2)
    return float(np.mean((2 * mx * my + C1) / (mx ** 2 + my ** 2 + C1) * cs)), float(np.mean(cs))


def halve(x):
    x = np.pad(x, ((0, x.shape[0] % 2), (0, x.shape[1] % 2)), mode="symmetric")
    return (x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2]) / 4


def scales(h, w):
    m = 0
    while m < 5 and min(h, w) >= 11:
        m, h, w = m + 1, -(-h // 2), -(-w // 2)
    return m


def ms_ssim(x, y, m):
    weights = np.array(WEIGHTS[:m])
    if m < 5:
        weights = weights / weights.sum()
    values = []
    for j in range(m):
        s, cs = ssim_and_cs(x, y)
        values.append(max(s if j == m - 1 else cs, 0.0))
        x, y = halve(x), halve(y)
    return float(np.prod(np.array(values) ** weights))


def scores(case):
    outputs = images(case["outputs"])
    targets = images(case["targets"])
    n, h, w, c = outputs.shape
    m = scales(h, w)
    planes = [(outputs[i, :, :, ch], targets[i, :, :, ch]) for i in range(n) for ch in range(c)]
    return {
        "ssim": float(np.mean([ssim_and_cs(x, y)[0] for y, x in planes])),
        "msSsim": float(np.mean([ms_ssim(x, y, m) for y, x in planes])),
        "scales": m,
    }


answer([scores(case) for case in load()["cases"]])

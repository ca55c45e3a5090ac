"""LFD as the Focal Frequency Loss authors' metrics/metric_utils.py computes it (np.fft.fft2, 'backward' norm),
per image pair with pixels scaled to [0, range], averaged over pairs as their calc_metrics.py does."""
import numpy as np

from common import answer, images, load



def lfd(case):
    outputs = images(case["outputs"]) * case["range"]
    targets = images(case["targets"]) * case["range"]
    values = []
    for img1, img2 in zip(outputs, targets):
        freq1 = np.fft.fft2(img1.transpose(2, 0, 1))
        freq2 = np.fft.fft2(img2.transpose(2, 0, 1))
        values.append(np.log(np.mean((freq1.real - freq2.real) ** 2 + (freq1.imag - freq2.imag) ** 2) + 1.0))
    return float(np.mean(values))


answer([lfd(case) for case in load()["cases"]])

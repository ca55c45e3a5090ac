"""Radial power spectra with numpy's FFT: the set's ring means (radialPowerSpectrum) and the per-plane normalised
log spectra averaged over the set (meanLogSpectrum), as docs/metrics.md defines them."""
import numpy as np

from common import answer, images, load

FLOOR = 1e-10


def rings(h, w):
    fy = np.abs(np.fft.fftfreq(h))[:, None]
    fx = np.abs(np.fft.fftfreq(w))[None, :]
    size = max(h, w)
    # Math.round: halves up (np.round would round them to even).
    return np.floor(np.sqrt(fx ** 2 + fy ** 2) * size + 0.5).astype(int), size


def spectra(x, normalisation):
    n, h, w, c = x.shape
    ring, size = rings(h, w)
    counts = np.bincount(ring.ravel())
    used = np.array([b for b in range(1, len(counts)) if counts[b] > 0])
    planes = []
    energy = np.zeros(len(counts))
    for image in x:
        for ch in range(c):
            power = np.abs(np.fft.fft2(image[:, :, ch])) ** 2 / (h * w)
            sums = np.bincount(ring.ravel(), weights=power.ravel(), minlength=len(counts))
            energy += sums
            log = np.log10(sums[used] / counts[used] + FLOOR)
            if normalisation == "minmax":
                span = log.max() - log.min()
                log = (log - log.min()) / span if span > 0 else np.zeros_like(log)
            planes.append(log)
    with np.errstate(invalid="ignore", divide="ignore"):
        power = energy / (n * c) / counts
    return {"radius": (used / size).tolist(), "spectrum": np.mean(planes, axis=0).tolist(),
            "power": [None if np.isnan(p) else float(p) for p in power]}


def distance(case):
    a = spectra(images(case["a"]), case["normalisation"])
    b = spectra(images(case["b"]), case["normalisation"])
    return {"a": a, "b": b, "distance": float(np.mean(np.abs(np.array(a["spectrum"]) - np.array(b["spectrum"]))))}


answer([distance(case) for case in load()["cases"]])

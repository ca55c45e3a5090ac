"""pixelErrors' reductions with numpy: per image sums (MSE, L1, BCE with outputs clipped to [1e-7, 1 - 1e-7]) averaged
over images, and PSNR per image (data range 1, capped at 100 dB) averaged over images."""
import numpy as np

from common import answer, images, load

data = load()
y = images(data["outputs"]).reshape(data["outputs"]["count"], -1)
x = images(data["targets"]).reshape(data["targets"]["count"], -1)
d = y - x
p = np.clip(y, 1e-7, 1 - 1e-7)
mse_per_image = np.mean(d ** 2, axis=1)
with np.errstate(divide="ignore"):
    psnr = np.minimum(100.0, 10 * np.log10(1.0 / mse_per_image))
answer({
    "mse": float(np.mean(np.sum(d ** 2, axis=1))),
    "l1": float(np.mean(np.sum(np.abs(d), axis=1))),
    "bce": float(np.mean(np.sum(-(x * np.log(p) + (1 - x) * np.log(1 - p)), axis=1))),
    "psnr": float(np.mean(psnr)),
    "psnrOfMeanMse": float(10 * np.log10(1.0 / np.mean(mse_per_image))),
})

"""Shared by the reference scripts: reading the JSON a test wrote, and the images in it."""
import json
import sys

import numpy as np


def load():
    with open(sys.argv[1]) as f:
        return json.load(f)


def images(spec):
    """NHWC float64 array of an imagesJson() object."""
    shape = (spec["count"], spec["height"], spec["width"], spec["channels"])
    return np.asarray(spec["pixels"], dtype=np.float64).reshape(shape)


def answer(value):
    json.dump(value, sys.stdout)

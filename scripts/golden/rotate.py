#!/usr/bin/python3
"""Golden values for internal/datasets' image rotation from SciPy 1.10.

Rotates the first embedded 8x8 digit (and a 5x7 ramp, to catch a swapped
width and height) by several angles with scipy.ndimage.rotate(reshape=False,
order=1, mode="grid-constant"): bilinear, zero outside the frame.
Writes internal/datasets/testdata/rotate_golden.json.
Run from the module root: /usr/bin/python3 scripts/golden/rotate.py
"""
import gzip
import json

import numpy as np
import scipy
from scipy import ndimage

with gzip.open("internal/datasets/digits.csv.gz", "rt") as f:
    first = f.readline().strip().split(",")
digit = np.array([float(v) for v in first[:64]]).reshape(8, 8) / 16
ramp = np.arange(35, dtype=float).reshape(5, 7) / 34

cases = []
for name, img in (("digit", digit), ("ramp", ramp)):
    for angle in (0, 30, 90, -45, 180):
        out = ndimage.rotate(img, angle, reshape=False, order=1, mode="grid-constant", cval=0.0)
        cases.append({"name": name, "degrees": angle, "height": img.shape[0], "width": img.shape[1],
                      "src": img.flatten().tolist(), "want": out.flatten().tolist()})
with open("internal/datasets/testdata/rotate_golden.json", "w") as f:
    json.dump({"scipy_version": scipy.__version__, "cases": cases}, f, indent=1)

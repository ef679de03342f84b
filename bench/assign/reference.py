#!/usr/bin/env python3
"""Cross-check on the shared reference instances: runs the reference generator
(REFDIR/gen_instances.py), confirms every array's SHA-256 against REFDIR/expected/*.json, and
writes each instance in Ingot's layout (CSV files and pairs.npz) with the allowed pairs being
those with affinity > 0 and no conflict, as in the reference's to_csv.py.

Usage: reference.py REFDIR OUTDIR NAME...
"""
import hashlib
import json
import os
import sys

import numpy as np

from gen import write

refdir, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, refdir)
import gen_instances  # noqa: E402  (the reference generator, outside this repository)

for name in names:
    for label, arrays in gen_instances.make(name).items():
        with open(os.path.join(refdir, "expected", label + ".json")) as f:
            expected = json.load(f)["sha256"]
        for key, array in arrays.items():
            digest = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
            if digest != expected[key]:
                sys.exit(f"{label}.{key}: SHA-256 {digest} differs from the expected {expected[key]}")
        aff, coi = arrays["aff"], arrays["coi"]
        pairs = write(os.path.join(out, label), aff, (aff > 0) & ~coi,
                      (arrays["minload"], arrays["maxload"]), arrays["demand"])
        print(f"reference {label}: arrays match expected SHA-256, {pairs} allowed pairs",
              flush=True)

"""numpy feature extraction: extract.py DIR. Loads every .npy shard in
order and writes its features (per row: mean, spread and extremes of each
block of 64 values) next to the others, a sixteenth of its size."""
import os
import sys

import numpy as np


def main():
    d = sys.argv[1]
    root = os.path.join(d, "shards")
    os.makedirs(os.path.join(d, "out", "features"), exist_ok=True)
    for name in sorted(os.listdir(root)):
        x = np.load(os.path.join(root, name))
        b = x.reshape(x.shape[0], -1, 64)
        f = np.stack([b.mean(axis=2), b.std(axis=2), b.min(axis=2), b.max(axis=2)], axis=2)
        np.save(os.path.join(d, "out", "features", name), f.reshape(x.shape[0], -1)[:, ::1])


if __name__ == "__main__":
    main()

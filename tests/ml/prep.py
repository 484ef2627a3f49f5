"""Data for the framework workloads: prep.py DIR [SCALE].

Writes, under DIR, what the stage workloads read: sample files for a
PyTorch Dataset, unseen inputs for inference, a CSV for a pandas ETL,
.npy shards for feature extraction, a small CSV subset for sklearn, and
prompts for a generator. SCALE multiplies every size (default 1)."""
import os
import sys

import numpy as np

SAMPLE_FLOATS = 16384          # 64 KiB per sample file


def main():
    d = sys.argv[1]
    scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = np.random.default_rng(7)
    for sub in ("samples", "unseen", "shards", "prompts", "ckpt", "out"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for name, n in (("samples", 400 * scale), ("unseen", 100 * scale)):
        for i in range(n):
            x = rng.standard_normal(SAMPLE_FLOATS, dtype=np.float32)
            x[0] = i % 10                      # the label
            x.tofile(os.path.join(d, name, "%06d.bin" % i))
    for i in range(8 * scale):
        np.save(os.path.join(d, "shards", "shard%04d.npy" % i),
                rng.standard_normal((1024, 1024), dtype=np.float32))
    rows = 120000 * scale
    with open(os.path.join(d, "raw.csv"), "w") as f:
        f.write("id,a,b,c,label\n")
        a = rng.standard_normal((rows, 3))
        for i in range(rows):
            if i % 50 == 0:
                f.write("%d,,%.6f,%.6f,%d\n" % (i, a[i, 1], a[i, 2], i % 3))
            else:
                f.write("%d,%.6f,%.6f,%.6f,%d\n" % (i, a[i, 0], a[i, 1], a[i, 2], i % 3))
    x = rng.standard_normal((20000, 8))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    np.savetxt(os.path.join(d, "subset.csv"), np.column_stack([x, y]), delimiter=",",
               fmt="%.6f")
    for i in range(24 * scale):
        with open(os.path.join(d, "prompts", "p%04d.txt" % i), "wb") as f:
            f.write(rng.bytes(4096))


if __name__ == "__main__":
    main()

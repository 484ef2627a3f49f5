"""A generator: generate.py DIR. For every prompt, reads it (4 KiB) and
writes a 1 MiB "image" made from it."""
import os
import sys

import numpy as np


def main():
    d = sys.argv[1]
    root = os.path.join(d, "prompts")
    for name in sorted(os.listdir(root)):
        with open(os.path.join(root, name), "rb") as f:
            seed = int.from_bytes(f.read()[:8], "little")
        img = np.random.default_rng(seed).integers(0, 255, 1 << 20, dtype=np.uint8)
        with open(os.path.join(d, "out", name + ".img"), "wb") as f:
            f.write(img.tobytes())


if __name__ == "__main__":
    main()

"""A data loader's workers: shuffle_read.py DIR WORKERS EPOCHS kept|fresh [PAUSE].

Every epoch the files of DIR are shuffled and split into WORKERS shares,
each read whole by one worker process. kept: one pool of workers for the
whole run; fresh: new workers every epoch (PyTorch's DataLoader default).
PAUSE: seconds between epochs (default 0). Prints the bytes read as
JSON."""
import json
import multiprocessing as mp
import os
import random
import sys
import time


def read_share(paths):
    n = 0
    for p in paths:
        with open(p, "rb") as f:
            n += len(f.read())
    return n


def main():
    d, workers, epochs, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0
    files = sorted(os.path.join(d, f) for f in os.listdir(d))
    rng = random.Random(5)
    total = 0
    pool = mp.Pool(workers) if mode == "kept" else None
    for e in range(epochs):
        if e:
            time.sleep(pause)
        rng.shuffle(files)
        shares = [files[i::workers] for i in range(workers)]
        if pool is None:
            with mp.Pool(workers) as p:
                total += sum(p.map(read_share, shares))
        else:
            total += sum(pool.map(read_share, shares))
    if pool is not None:
        pool.close()
        pool.join()
    print(json.dumps({"read_bytes": total}))


if __name__ == "__main__":
    main()

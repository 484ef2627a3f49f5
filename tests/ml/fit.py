"""sklearn experimentation: fit.py DIR ROUNDS PAUSE. Loads the small
subset, fits a model and pauses (a person looking at the result),
ROUNDS times."""
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression


def main():
    d, rounds, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    for r in range(rounds):
        xy = np.loadtxt(os.path.join(d, "subset.csv"), delimiter=",")
        LogisticRegression(C=1.0 / (r + 1), max_iter=200).fit(xy[:, :-1], xy[:, -1])
        time.sleep(pause)


if __name__ == "__main__":
    main()

"""pandas ETL: etl.py DIR. Reads raw.csv, drops rows with gaps, scales the
columns and writes clean.csv."""
import os
import sys

import pandas as pd


def main():
    d = sys.argv[1]
    df = pd.read_csv(os.path.join(d, "raw.csv"))
    df = df.dropna()
    for c in ("a", "b", "c"):
        df[c] = (df[c] - df[c].mean()) / df[c].std()
    df.to_csv(os.path.join(d, "out", "clean.csv"), index=False, float_format="%.6f")


if __name__ == "__main__":
    main()

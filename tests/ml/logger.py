"""A sensor logger: logger.py DIR RECORDS. Appends small records to a log
and syncs each; reads no data."""
import os
import sys
import time


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(d, "out", "sensor.log"), "ab") as f:
        for i in range(n):
            f.write(b"%d,%.6f,%08x,%s\n" % (i, time.monotonic(), i * 2654435761 & 0xffffffff,
                                            b"x" * 480))
            f.flush()
            os.fsync(f.fileno())


if __name__ == "__main__":
    main()

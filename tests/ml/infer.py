"""PyTorch inference: infer.py DIR.

Loads the last checkpoint of train.py, reads every unseen input once and
writes one prediction line per input (its class and the scores of all). Prints the bytes read and
written as JSON (the checkpoint included). The model runs on $ML_DEVICE
(default cpu)."""
import json
import os
import sys

import torch


def main():
    d = sys.argv[1]
    ckpts = sorted(os.listdir(os.path.join(d, "ckpt")))
    ckpt = os.path.join(d, "ckpt", ckpts[-1])
    model = torch.nn.Sequential(torch.nn.Linear(16383, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 10))
    dev = torch.device(os.environ.get("ML_DEVICE", "cpu"))
    model.load_state_dict(torch.load(ckpt, map_location="cpu"))
    model.to(dev)
    model.eval()
    read = os.path.getsize(ckpt)
    written = 0
    root = os.path.join(d, "unseen")
    with open(os.path.join(d, "out", "predictions.csv"), "w") as out, torch.no_grad():
        for name in sorted(os.listdir(root)):
            with open(os.path.join(root, name), "rb") as f:
                raw = f.read()
            read += len(raw)
            x = torch.frombuffer(bytearray(raw), dtype=torch.float32)[1:].to(dev)
            p = torch.softmax(model(x), dim=0).cpu()
            line = "%s,%d,%s\n" % (name, int(p.argmax()), ",".join("%.6f" % v for v in p))
            out.write(line)
            out.flush()
            written += len(line)
    print(json.dumps({"read_bytes": read, "write_bytes": written}))


if __name__ == "__main__":
    main()

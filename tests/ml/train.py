"""PyTorch training: train.py DIR EPOCHS WORKERS.

A Dataset reads one sample file per item; a DataLoader with WORKERS
worker processes (started afresh every epoch, PyTorch's default) shuffles
them; a small model is trained and saved with torch.save after every
epoch. Prints the bytes the Dataset read and torch.save wrote as JSON.
The model runs on $ML_DEVICE (default cpu; cuda on a GPU host)."""
import json
import os
import sys
import warnings

import torch
from torch.utils.data import DataLoader, Dataset


class Samples(Dataset):
    def __init__(self, root):
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root))

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with open(self.files[i], "rb") as f:
            raw = f.read()
        x = torch.frombuffer(bytearray(raw), dtype=torch.float32)
        return x[1:], int(x[0]), len(raw)


def main():
    d, epochs, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # more workers than CPUs is what the test means on a small machine
    warnings.filterwarnings("ignore", message=".*worker processes in total")
    torch.manual_seed(1)
    data = Samples(os.path.join(d, "samples"))
    loader = DataLoader(data, batch_size=16, shuffle=True, num_workers=workers)
    dev = torch.device(os.environ.get("ML_DEVICE", "cpu"))
    model = torch.nn.Sequential(torch.nn.Linear(16383, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 10)).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    read = written = 0
    for epoch in range(epochs):
        for x, y, n in loader:
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x.to(dev)), y.to(dev))
            loss.backward()
            opt.step()
            read += int(n.sum())
        path = os.path.join(d, "ckpt", "epoch%d.pt" % epoch)
        torch.save(model.state_dict(), path)
        written += os.path.getsize(path)
    print(json.dumps({"read_bytes": read, "write_bytes": written}))


if __name__ == "__main__":
    main()

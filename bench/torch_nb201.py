#!/usr/bin/python3
"""PyTorch reference of the nb201-fashion supernet, for `npm run bench`.

The same network as electron/engine/supernet/nb201Supernet.ts (stem conv3x3 + BN, three stages of
N cells at C/2C/4C joined by NB201's ResNet reduction block, BN-ReLU, global average pool,
linear), single-path training with SGD Nesterov (momentum 0.9, wd 5e-4) on the sampled path
only, batch 64, on random 28x28x1 inputs. Prints one JSON line with img/s and peak RSS.

Usage: torch_nb201.py '{"channels":16,"cells":1,"batch":64,"steps":20,"warmup":3,
                        "genotypes":[["nor_conv_3x3", ...6 ops], ...],"threads":2}'
"""
import json
import resource
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    print(json.dumps({"error": "torch is not installed (Debian: apt-get install python3-torch)"}))
    sys.exit(0)

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride, affine):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, affine=affine)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class Cell(nn.Module):
    """One weight set per (edge, op); forward runs one op per edge."""

    def __init__(self, c):
        super().__init__()
        self.edges = nn.ModuleList(
            nn.ModuleDict({"nor_conv_1x1": ReLUConvBN(c, c, 1, 1, False), "nor_conv_3x3": ReLUConvBN(c, c, 3, 1, False)})
            for _ in EDGES
        )

    def forward(self, x, genotype):
        nodes = [x]
        for node in range(1, 4):
            acc = None
            for e, (to, frm) in enumerate(EDGES):
                if to != node:
                    continue
                op = genotype[e]
                if op == "none":
                    continue
                h = nodes[frm]
                if op == "skip_connect":
                    out = h
                elif op == "avg_pool_3x3":
                    out = F.avg_pool2d(h, 3, 1, 1, count_include_pad=False)
                else:
                    out = self.edges[e][op](h)
                acc = out if acc is None else acc + out
            nodes.append(acc if acc is not None else torch.zeros_like(x))
        return nodes[3]


class ResReduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2, True)
        self.b = ReLUConvBN(cout, cout, 3, 1, True)
        self.short = nn.Conv2d(cin, cout, 1, 1, 0, bias=False)

    def forward(self, x):
        return self.b(self.a(x)) + self.short(F.avg_pool2d(x, 2, 2))


class Supernet(nn.Module):
    def __init__(self, c, n, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))
        self.stages = nn.ModuleList()
        self.reductions = nn.ModuleList()
        for s in range(3):
            w = c * 2**s
            if s > 0:
                self.reductions.append(ResReduction(w // 2, w))
            self.stages.append(nn.ModuleList(Cell(w) for _ in range(n)))
        self.head = nn.BatchNorm2d(4 * c)
        self.fc = nn.Linear(4 * c, classes)

    def forward(self, x, genotype):
        h = self.stem(x)
        for s in range(3):
            if s > 0:
                h = self.reductions[s - 1](h)
            for cell in self.stages[s]:
                h = cell(h, genotype)
        h = F.relu(self.head(h)).mean((2, 3))
        return self.fc(h)


def path_params(net, genotype):
    """Parameters of the sampled path only (fixed parts plus the sampled ops)."""
    fixed = list(net.stem.parameters()) + list(net.reductions.parameters()) + list(net.head.parameters()) + list(net.fc.parameters())
    ops = []
    for stage in net.stages:
        for cell in stage:
            for e, op in enumerate(genotype):
                if op in cell.edges[e]:
                    ops += list(cell.edges[e][op].parameters())
    return fixed + ops


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(int(cfg.get("threads", 2)))
    torch.manual_seed(0)
    c, n, b = cfg["channels"], cfg.get("cells", 1), cfg.get("batch", 64)
    steps, warmup, genos = cfg["steps"], cfg.get("warmup", 3), cfg["genotypes"]
    net = Supernet(c, n)
    decay = [p for name, p in net.named_parameters() if p.dim() > 1]
    no_decay = [p for name, p in net.named_parameters() if p.dim() <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0}], lr=0.025, momentum=0.9, nesterov=True)
    x = torch.randn(b, 1, 28, 28)
    y = torch.arange(b) % 10

    def train_step(g):
        net.train()
        opt.zero_grad(set_to_none=True)  # unsampled params keep grad None, so SGD skips them
        loss = F.cross_entropy(net(x, g), y)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(warmup):
        train_step(genos[i % len(genos)])
    t0 = time.perf_counter()
    for i in range(steps):
        train_step(genos[i % len(genos)])
    train_ips = b * steps / (time.perf_counter() - t0)

    net.eval()
    with torch.no_grad():
        for i in range(warmup):
            net(x, genos[i % len(genos)])
        t0 = time.perf_counter()
        for i in range(steps):
            net(x, genos[i % len(genos)]).sum().item()
        fwd_ips = b * steps / (time.perf_counter() - t0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "train": train_ips, "forward": fwd_ips, "rssMB": rss_mb}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch CPU reference for one model of each family (benches/families.sh).

The model is read from a file of benches/models/ (the same file `mltutor import` reads), with
the conventions of ../shared/bench/torch_reference.py: SGD (lr 0.01, no momentum) or AdamW
(lr 1e-3, weight decay 0.01), cross-entropy, standard-normal inputs (token ids uniform over
the vocabulary when the model's first module is an nn.Embedding), uniform random labels,
`--samples` samples per timed run, one warm-up run then `--runs` timed runs, the median.

Usage:
  python3 torch_families.py FILE.py train --input 3x40x40 [--class NAME] [--batch 64]
         [--optimizer sgd|adamw] [--threads 2]
  python3 torch_families.py FILE.py infer --input 50 --batch 256
Prints one line per timed run on stderr, then one RESULT line on stdout:
  RESULT mode=train batch=64 optimizer=sgd threads=2 samples_per_s=<median> min=<..> max=<..>
"""
import argparse
import importlib.util
import inspect
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def load_model(path, class_name):
    spec = importlib.util.spec_from_file_location("bench_model", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    classes = [c for _, c in inspect.getmembers(mod, inspect.isclass)
               if issubclass(c, nn.Module) and c.__module__ == mod.__name__]
    if class_name:
        classes = [c for c in classes if c.__name__ == class_name]
    if len(classes) != 1:
        sys.exit(f"{path}: say which class is the model with --class "
                 f"({', '.join(c.__name__ for c in classes)})")
    return classes[0]()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("mode", choices=["train", "infer"])
    p.add_argument("--input", required=True, help="shape of one sample, e.g. 3x40x40")
    p.add_argument("--class", dest="class_name")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--optimizer", choices=["sgd", "adamw"], default="sgd")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--samples", type=int, default=4096, help="samples per timed run")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    net = load_model(a.file, a.class_name)
    shape = [int(d) for d in a.input.split("x")]
    steps = max(1, a.samples // a.batch)
    first = next(net.children(), None)
    if isinstance(first, nn.Embedding):
        x = torch.randint(0, first.num_embeddings, (steps * a.batch, *shape))
    else:
        x = torch.randn(steps * a.batch, *shape)
    with torch.no_grad():
        classes = net(x[:1]).shape[-1]
    y = torch.randint(0, classes, (steps * a.batch,))
    if a.optimizer == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
    else:
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
    if a.mode == "train":
        net.train()
    else:
        net.eval()

    rates = []
    for run in range(1 + a.runs):  # the first run warms up and is not counted
        t = time.perf_counter()
        if a.mode == "train":
            for s in range(steps):
                xb, yb = x[s * a.batch:(s + 1) * a.batch], y[s * a.batch:(s + 1) * a.batch]
                opt.zero_grad(set_to_none=True)
                loss = F.cross_entropy(net(xb), yb)
                loss.backward()
                opt.step()
            loss.item()
        else:
            with torch.inference_mode():
                for s in range(steps):
                    net(x[s * a.batch:(s + 1) * a.batch]).argmax(-1).sum().item()
        rate = steps * a.batch / (time.perf_counter() - t)
        print(f"run {run}{' (warm-up)' if run == 0 else ''}: {rate:.1f} samples/s", file=sys.stderr)
        if run > 0:
            rates.append(rate)
    print(f"RESULT mode={a.mode} batch={a.batch} optimizer={a.optimizer} threads={a.threads} "
          f"samples_per_s={statistics.median(rates):.1f} min={min(rates):.1f} max={max(rates):.1f}")


if __name__ == "__main__":
    main()

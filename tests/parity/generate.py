#!/usr/bin/env python3
"""The parity corpus: random architectures built in PyTorch, with PyTorch's figures.

Run by hand where PyTorch and torchinfo are installed (CI never needs them):

    python tests/parity/generate.py            # writes tests/parity/corpus.json

For every architecture it writes the spec as mltutor reads it (the JSON form of
`ModelSpec`), then PyTorch's own figures: parameters (total and trainable), buffers, the
output shape of a real forward pass, torchinfo's total mult-adds, and for a few inputs
(some invalid) whether the model runs on them and the shape it gives. Architectures whose
arguments PyTorch refuses are written with `"invalid": true`. `tests/parity.rs` checks
every one against mltutor.

To cover a new layer kind: write a function `kind(rng, shape) -> Layer | None` (its spec,
its module, whether it has weights), and add it to the family tables (`IMAGE`, `SEQUENCE`,
`VECTOR`, ...) below with a weight. The draws are seeded: the same script gives the same
corpus.
"""

import json
import math
import random
import sys
import zlib
from pathlib import Path

import torch
import torch.nn as nn
from torchinfo import summary

SEED = 20261127
BATCH = 2
TARGET = 340  # architectures
MAX_ELEMS = 6000  # per-sample activations, to keep the Rust test fast in debug builds


class Layer:
    def __init__(self, spec, module, weights):
        self.spec = spec  # {"Conv2d": {...}} or "ReLU"
        self.module = module
        self.weights = weights


class Tr(nn.Module):
    """A functional layer as a module: `x.view(-1, n)`."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def pair(rng, lo, hi, tuple_p=0.3):
    """A size argument: a number, or (sometimes) a pair of numbers."""
    if rng.random() < tuple_p:
        a, b = rng.randint(lo, hi), rng.randint(lo, hi)
        return (a, b) if a != b else a
    return rng.randint(lo, hi)


def js(v):
    """A size as the spec writes it in JSON."""
    return list(v) if isinstance(v, tuple) else v


def first(v):
    return v[0] if isinstance(v, tuple) else v


# ---------------------------------------------------------------- 2-d (C x H x W) kinds


def conv2d(rng, shape):
    c = shape[0]
    groups = rng.choice([1, 1, 1, 2, 3, c]) if c > 1 else 1
    if c % groups:
        groups = 1
    out = groups * rng.randint(1, max(1, 8 // groups))
    kernel = pair(rng, 1, 4)
    dilation = pair(rng, 1, 2, 0.2) if rng.random() < 0.3 else 1
    stride = pair(rng, 1, 2, 0.2) if rng.random() < 0.5 else 1
    r = rng.random()
    if r < 0.15 and stride == 1:
        padding = "same"
    elif r < 0.25:
        padding = "valid"
    else:
        padding = pair(rng, 0, 2, 0.2)
    bias = rng.random() < 0.8
    args = {"in": c, "out": out, "kernel": js(kernel)}
    if stride != 1:
        args["stride"] = js(stride)
    if padding != 0:
        args["padding"] = js(padding)
    if dilation != 1:
        args["dilation"] = js(dilation)
    if groups != 1:
        args["groups"] = groups
    if not bias:
        args["bias"] = False
    m = nn.Conv2d(c, out, kernel, stride=stride, padding=padding, dilation=dilation,
                  groups=groups, bias=bias)
    return Layer({"Conv2d": args}, m, True)


def conv_transpose2d(rng, shape):
    c = shape[0]
    groups = rng.choice([1, 1, 2]) if c % 2 == 0 else 1
    out = groups * rng.randint(1, 4)
    kernel = pair(rng, 1, 4)
    stride = pair(rng, 1, 3, 0.2)
    dilation = pair(rng, 1, 2, 0.2) if rng.random() < 0.3 else 1
    padding = pair(rng, 0, 2, 0.2) if rng.random() < 0.5 else 0
    s = stride if isinstance(stride, tuple) else (stride, stride)
    d = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    limit = (max(s[0], d[0]), max(s[1], d[1]))
    output_padding = (rng.randint(0, limit[0] - 1), rng.randint(0, limit[1] - 1))
    if rng.random() < 0.5 or output_padding[0] != output_padding[1]:
        output_padding = output_padding if rng.random() < 0.5 else 0
    else:
        output_padding = output_padding[0]
    bias = rng.random() < 0.8
    args = {"in": c, "out": out, "kernel": js(kernel)}
    if stride != 1:
        args["stride"] = js(stride)
    if padding != 0:
        args["padding"] = js(padding)
    if output_padding != 0:
        args["output_padding"] = js(output_padding)
    if groups != 1:
        args["groups"] = groups
    if not bias:
        args["bias"] = False
    if dilation != 1:
        args["dilation"] = js(dilation)
    m = nn.ConvTranspose2d(c, out, kernel, stride=stride, padding=padding,
                           output_padding=output_padding, groups=groups, bias=bias,
                           dilation=dilation)
    return Layer({"ConvTranspose2d": args}, m, True)


def pool_args(rng, dims):
    tuple_p = 0.25 if dims == 2 else 0.0
    kernel = pair(rng, 1, 4, tuple_p)
    stride = None if rng.random() < 0.5 else pair(rng, 1, 3, tuple_p)
    k = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    padding = pair(rng, 0, min(k) // 2, tuple_p) if rng.random() < 0.4 else 0
    ceil_mode = rng.random() < 0.3
    args = {"kernel": js(kernel)}
    kw = {}
    if stride is not None:
        args["stride"] = js(stride)
        kw["stride"] = stride
    if padding != 0:
        args["padding"] = js(padding)
        kw["padding"] = padding
    if ceil_mode:
        args["ceil_mode"] = True
        kw["ceil_mode"] = True
    return kernel, args, kw


def max_pool(dims):
    def make(rng, shape):
        kernel, args, kw = pool_args(rng, dims)
        cls = nn.MaxPool2d if dims == 2 else nn.MaxPool1d
        return Layer({f"MaxPool{dims}d": args}, cls(kernel, **kw), False)

    return make


def avg_pool(dims):
    def make(rng, shape):
        kernel, args, kw = pool_args(rng, dims)
        if rng.random() < 0.3:
            args["count_include_pad"] = False
            kw["count_include_pad"] = False
        cls = nn.AvgPool2d if dims == 2 else nn.AvgPool1d
        return Layer({f"AvgPool{dims}d": args}, cls(kernel, **kw), False)

    return make


def adaptive_avg(dims):
    def make(rng, shape):
        size = pair(rng, 1, 5, 0.4) if dims == 2 else rng.randint(1, 6)
        cls = nn.AdaptiveAvgPool2d if dims == 2 else nn.AdaptiveAvgPool1d
        return Layer({f"AdaptiveAvgPool{dims}d": {"output_size": js(size)}}, cls(size), False)

    return make


def batch_norm2d(rng, shape):
    c = shape[0]
    return Layer({"BatchNorm2d": {"features": c}}, nn.BatchNorm2d(c), True)


# ---------------------------------------------------------------- 1-d (C x L) kinds


def conv1d(rng, shape):
    c = shape[0]
    groups = rng.choice([1, 1, 2, c]) if c > 1 else 1
    if c % groups:
        groups = 1
    out = groups * rng.randint(1, max(1, 8 // groups))
    kernel = rng.randint(1, 5)
    stride = rng.choice([1, 1, 2, 3])
    dilation = rng.choice([1, 1, 1, 2, 3])
    r = rng.random()
    padding = "same" if r < 0.15 and stride == 1 else ("valid" if r < 0.25 else rng.randint(0, 3))
    bias = rng.random() < 0.8
    args = {"in": c, "out": out, "kernel": kernel}
    if stride != 1:
        args["stride"] = stride
    if padding != 0:
        args["padding"] = padding
    if dilation != 1:
        args["dilation"] = dilation
    if groups != 1:
        args["groups"] = groups
    if not bias:
        args["bias"] = False
    m = nn.Conv1d(c, out, kernel, stride=stride, padding=padding, dilation=dilation,
                  groups=groups, bias=bias)
    return Layer({"Conv1d": args}, m, True)


# ---------------------------------------------------------------- any shape


def activation(rng, shape):
    r = rng.randrange(9)
    if r == 0:
        return Layer("ReLU", nn.ReLU(), False)
    if r == 1:
        return Layer("Sigmoid", nn.Sigmoid(), False)
    if r == 2:
        return Layer("Tanh", nn.Tanh(), False)
    if r == 3:
        return Layer("GELU", nn.GELU(), False)
    if r == 4:
        return Layer("SiLU", nn.SiLU(), False)
    if r == 5:
        s = rng.choice([0.01, 0.1, 0.2])
        return Layer({"LeakyReLU": {"negative_slope": s}}, nn.LeakyReLU(s), False)
    if r == 6:
        a = rng.choice([1.0, 0.5])
        return Layer({"ELU": {"alpha": a}}, nn.ELU(a), False)
    if r == 7:
        d = rng.choice([1, -1])
        return Layer({"Softmax": {"dim": d}}, nn.Softmax(dim=d), False)
    return Layer("ReLU", nn.ReLU(), False)


def dropout(rng, shape):
    p = rng.choice([0.1, 0.25, 0.5])
    return Layer({"Dropout": {"p": p}}, nn.Dropout(p), False)


def linear(rng, shape):
    f = shape[-1]
    out = rng.randint(1, 16)
    bias = rng.random() < 0.8
    args = {"in": f, "out": out}
    if not bias:
        args["bias"] = False
    return Layer({"Linear": args}, nn.Linear(f, out, bias=bias), True)


def flatten(rng, shape):
    return Layer("Flatten", nn.Flatten(), False)


def view(rng, shape):
    n = math.prod(shape)
    return Layer({"View": [-1, n]}, Tr(lambda x: x.view(-1, n)), False)


# ---------------------------------------------------------------- families

IMAGE = [
    (conv2d, 5), (conv_transpose2d, 2), (max_pool(2), 2), (avg_pool(2), 2),
    (adaptive_avg(2), 1), (batch_norm2d, 1), (activation, 3), (dropout, 1),
]
SEQUENCE = [
    (conv1d, 5), (max_pool(1), 2), (avg_pool(1), 2), (adaptive_avg(1), 1),
    (activation, 3), (dropout, 1),
]
VECTOR = [(linear, 4), (activation, 3), (dropout, 1)]
HEAD = [(flatten, 2), (view, 1)]


def draw(rng, table):
    total = sum(w for _, w in table)
    r = rng.uniform(0, total)
    for f, w in table:
        r -= w
        if r <= 0:
            return f
    return table[-1][0]


def out_shape(modules, shape):
    m = nn.Sequential(*modules).eval()
    with torch.no_grad():
        y = m(torch.randn(BATCH, *shape))
    return list(y.shape[1:])


def build(rng, family, index):
    """Draw one valid architecture: (input shape, layers)."""
    if family == "image":
        shape = [rng.randint(1, 4), rng.randint(4, 16), rng.randint(4, 16)]
        table, depth = IMAGE, rng.randint(1, 5)
    elif family == "sequence":
        shape = [rng.randint(1, 6), rng.randint(5, 40)]
        table, depth = SEQUENCE, rng.randint(1, 5)
    else:
        shape = [rng.randint(1, 24)]
        table, depth = VECTOR, rng.randint(1, 5)
    layers = []
    cur = list(shape)
    tries = 0
    while len(layers) < depth and tries < 60:
        tries += 1
        layer = draw(rng, table)(rng, cur)
        try:
            nxt = out_shape([layer.module], cur)
        except Exception:
            continue
        if math.prod(nxt) == 0 or math.prod(nxt) > MAX_ELEMS:
            continue
        layers.append(layer)
        cur = nxt
    # A classifier head: flatten (or view), then a Linear or two.
    if family != "vector" and rng.random() < 0.6:
        layers.append(draw(rng, HEAD)(rng, cur))
        cur = [math.prod(cur)]
        for _ in range(rng.randint(1, 2)):
            layers.append(linear(rng, cur))
            cur = out_shape([layers[-1].module], cur)
            if rng.random() < 0.5:
                layers.append(activation(rng, cur))
    if not layers:
        layers.append(activation(rng, cur))
    return shape, layers


def variants(rng, shape):
    """Inputs to try: the nominal one, and a few others (some that cannot run)."""
    out = [list(shape)]
    for _ in range(3):
        s = list(shape)
        i = rng.randrange(len(s))
        r = rng.random()
        if r < 0.3:
            s[i] = s[i] + rng.randint(1, 3)
        elif r < 0.6:
            s[i] = max(1, s[i] - rng.randint(1, s[i]))
        else:
            s[i] = rng.randint(1, 20)
        if s not in out:
            out.append(s)
    return out


def figures(name, shape, layers):
    seq = []
    spec_layers = []
    for i, l in enumerate(layers):
        entry = {"layer": l.spec}
        if l.weights:
            n = f"l{i + 1}"
            entry["name"] = n
        spec_layers.append(entry)
        seq.append(l.module)
    model = nn.Sequential(*seq).eval()
    spec = {"id": name, "input": shape, "layers": spec_layers}
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for b in model.buffers())
    info = summary(model, input_size=(BATCH, *shape), verbose=0, device="cpu")
    inputs = []
    for s in variants(random.Random(zlib.crc32(name.encode())), shape):
        try:
            with torch.no_grad():
                y = model(torch.randn(BATCH, *s))
            # `x.view(-1, n)` that runs by mixing samples together is a failure for
            # mltutor (it explains why): PyTorch's batch dimension must survive.
            ok = y.shape[0] == BATCH
            inputs.append({"input": s, "output": list(y.shape) if ok else None})
        except Exception:
            inputs.append({"input": s, "output": None})
    return {
        "spec": spec,
        "batch": BATCH,
        "params": params,
        "trainable": trainable,
        "buffers": buffers,
        "mult_adds": int(info.total_mult_adds),
        "output": [BATCH] + out_shape(seq, shape),
        "inputs": inputs,
    }


# ---------------------------------------------------------------- arguments PyTorch refuses

INVALID = [
    ([4, 8, 8], {"Conv2d": {"in": 4, "out": 6, "kernel": 3, "groups": 4}},
     lambda: nn.Conv2d(4, 6, 3, groups=4)),
    ([6, 8, 8], {"Conv2d": {"in": 6, "out": 8, "kernel": 3, "groups": 4}},
     lambda: nn.Conv2d(6, 8, 3, groups=4)),
    ([3, 8, 8], {"Conv2d": {"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": "same"}},
     lambda: nn.Conv2d(3, 4, 3, stride=2, padding="same")),
    ([3, 20], {"Conv1d": {"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": "same"}},
     lambda: nn.Conv1d(3, 4, 3, stride=2, padding="same")),
    ([3, 20], {"Conv1d": {"in": 3, "out": 4, "kernel": 3, "groups": 2}},
     lambda: nn.Conv1d(3, 4, 3, groups=2)),
    ([2, 8, 8], {"MaxPool2d": {"kernel": 2, "padding": 2}}, lambda: nn.MaxPool2d(2, padding=2)),
    ([2, 8, 8], {"AvgPool2d": {"kernel": 3, "padding": 2}}, lambda: nn.AvgPool2d(3, padding=2)),
    ([2, 9], {"MaxPool1d": {"kernel": 3, "padding": 2}}, lambda: nn.MaxPool1d(3, padding=2)),
    ([2, 5, 5], {"ConvTranspose2d": {"in": 2, "out": 2, "kernel": 3, "stride": 2,
                                     "output_padding": 2}},
     lambda: nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)),
    ([4, 5, 5], {"ConvTranspose2d": {"in": 4, "out": 3, "kernel": 3, "groups": 2}},
     lambda: nn.ConvTranspose2d(4, 3, 3, groups=2)),
    ([2, 5, 5], {"Conv2d": {"in": 2, "out": 2, "kernel": 0}}, lambda: nn.Conv2d(2, 2, 0)),
    ([2, 5, 5], {"Conv2d": {"in": 2, "out": 2, "kernel": 3, "dilation": 0}},
     lambda: nn.Conv2d(2, 2, 3, dilation=0)),
]


def invalid_cases():
    out = []
    for i, (shape, spec, make) in enumerate(INVALID):
        refused = False
        try:
            m = make()
            with torch.no_grad():
                m(torch.randn(BATCH, *shape))
        except Exception:
            refused = True
        assert refused, spec
        name = "Conv" if "Conv" in next(iter(spec)) else "Pool"
        layer = {"layer": spec}
        if name == "Conv":
            layer["name"] = "l1"
        out.append({"spec": {"id": f"invalid_{i}", "input": shape, "layers": [layer]},
                    "invalid": True})
    return out


def main():
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    corpus = []
    families = ["image"] * 6 + ["sequence"] * 3 + ["vector"]
    i = 0
    while len(corpus) < TARGET:
        family = families[i % len(families)]
        i += 1
        shape, layers = build(rng, family, i)
        corpus.append(figures(f"{family}_{i}", shape, layers))
    corpus.extend(invalid_cases())
    kinds = {}
    for c in corpus:
        for l in c["spec"]["layers"]:
            k = l["layer"] if isinstance(l["layer"], str) else next(iter(l["layer"]))
            kinds[k] = kinds.get(k, 0) + 1
    path = Path(__file__).with_name("corpus.json")
    meta = {"torch": torch.__version__, "seed": SEED, "kinds": dict(sorted(kinds.items()))}
    with open(path, "w") as f:
        # One architecture a line: a regenerated corpus reads well in a diff.
        f.write('{"generated_by":"tests/parity/generate.py","meta":')
        f.write(json.dumps(meta, separators=(",", ":")))
        f.write(',"models":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in corpus))
        f.write("\n]}\n")
    print(f"{len(corpus)} architectures -> {path}", file=sys.stderr)
    print(json.dumps(meta["kinds"]), file=sys.stderr)


if __name__ == "__main__":
    main()

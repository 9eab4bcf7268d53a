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


# ---------------------------------------------------------------- graphs (named tensors,
# Add / Mul / Cat, nn.Sequential, sub-module classes)


class Step:
    """One line of a forward: `to = module(from)` or a combination of named tensors."""

    def __init__(self, spec, module=None, name=None, frm=None, to=None):
        self.spec = spec  # the layer kind as the spec writes it ("Add", {"Cat": {...}}...)
        self.module = module
        self.name = name
        self.frm = frm  # None, "x" or ["out", "identity"]
        self.to = to

    def entry(self):
        e = {"layer": self.spec}
        if self.name:
            e["name"] = self.name
        if self.frm is not None:
            e["from"] = self.frm
        if self.to is not None:
            e["to"] = self.to
        return e


class GraphModule(nn.Module):
    """A forward over named tensors, run by PyTorch: modules held under their names (so
    that torchinfo and `parameters()` see them as PyTorch code declares them)."""

    def __init__(self, steps):
        super().__init__()
        self.plan = []
        for i, st in enumerate(steps):
            attr = None
            if st.module is not None:
                attr = st.name or f"_f{i}"
                setattr(self, attr, st.module)
            self.plan.append((st, attr))

    def forward(self, x):
        env = {"x": x}
        cur = "x"
        for st, attr in self.plan:
            frm = st.frm if st.frm is not None else cur
            names = [frm] if isinstance(frm, str) else list(frm)
            ins = [env[n] for n in names]
            kind = st.spec if isinstance(st.spec, str) else next(iter(st.spec))
            if kind == "Add":
                y = ins[0]
                for t in ins[1:]:
                    y = y + t
            elif kind == "Mul":
                y = ins[0]
                for t in ins[1:]:
                    y = y * t
            elif kind == "Cat":
                y = torch.cat(ins, dim=st.spec["Cat"]["dim"])
            elif attr is None:
                y = ins[0]  # identity = x
            else:
                y = getattr(self, attr)(ins[0])
            to = st.to if st.to is not None else cur
            env[to] = y
            cur = to
        return env[cur]


def g_conv(rng, cin, cout, kernel=None, stride=1, bias=None, name="c"):
    k = kernel if kernel is not None else rng.choice([1, 3, 3, 5])
    p = k // 2
    b = rng.random() < 0.5 if bias is None else bias
    args = {"in": cin, "out": cout, "kernel": k}
    if stride != 1:
        args["stride"] = stride
    if p:
        args["padding"] = p
    if not b:
        args["bias"] = False
    return {"Conv2d": args}, nn.Conv2d(cin, cout, k, stride=stride, padding=p, bias=b)


def g_act(rng):
    return rng.choice([("ReLU", nn.ReLU), ("GELU", nn.GELU), ("SiLU", nn.SiLU), ("Tanh", nn.Tanh)])


def block_steps(rng, c, cout, stride, bn, shortcut):
    """A basic block: `identity = x` (or a 1x1 projection), two convolutions, `out + identity`."""
    steps = []
    if shortcut:
        spec, m = g_conv(rng, c, cout, kernel=1, stride=stride, bias=False)
        steps.append(Step(spec, m, name="down", frm="x", to="identity"))
    else:
        steps.append(Step("Identity", to="identity"))
    spec, m = g_conv(rng, c, cout, kernel=3, stride=stride)
    steps.append(Step(spec, m, name="conv1", frm="x", to="out"))
    if bn:
        steps.append(Step({"BatchNorm2d": {"features": cout}}, nn.BatchNorm2d(cout), name="bn1"))
    a, mk = g_act(rng)
    steps.append(Step(a, mk()))
    spec, m = g_conv(rng, cout, cout, kernel=3)
    steps.append(Step(spec, m, name="conv2"))
    if bn:
        steps.append(Step({"BatchNorm2d": {"features": cout}}, nn.BatchNorm2d(cout), name="bn2"))
    steps.append(Step("Add", frm=["out", "identity"]))
    steps.append(Step("ReLU", nn.ReLU()))
    return steps


def head_steps(rng, c):
    steps = [Step({"AdaptiveAvgPool2d": {"output_size": 1}}, nn.AdaptiveAvgPool2d(1)),
             Step("Flatten", nn.Flatten())]
    out = rng.randint(2, 10)
    steps.append(Step({"Linear": {"in": c, "out": out}}, nn.Linear(c, out), name="fc"))
    return steps


def residual_arch(rng, i):
    """Blocks written inline in the model's forward, or as classes used several times (each
    use with its own weights)."""
    c0 = rng.randint(1, 3)
    h0, w0 = rng.randint(4, 12), rng.randint(4, 12)
    h, w = h0, w0
    c = rng.choice([2, 4, 6, 8])
    spec, m = g_conv(rng, c0, c, kernel=3)
    steps = [Step(spec, m, name="stem")]
    modules, classes = [], {}
    cur = "x"
    for b in range(rng.randint(1, 3)):
        cout = c if rng.random() < 0.6 else rng.choice([4, 6, 8])
        stride = 2 if rng.random() < 0.3 and min(h, w) >= 4 else 1
        shortcut = cout != c or stride != 1
        bn = rng.random() < 0.5
        key = (c, cout, stride, bn, shortcut)
        # The same configuration draws the same lines: one class, used again.
        inner = block_steps(random.Random(str(key)), c, cout, stride, bn, shortcut)
        if rng.random() < 0.6:
            cls = classes.get(key)
            if cls is None:
                cls = f"Block{len(classes) + 1}"
                classes[key] = cls
                modules.append({"class_name": cls, "layers": [s.entry() for s in inner]})
            steps.append(Step({"Module": cls}, GraphModule(inner), name=f"layer{b + 1}"))
        else:
            # The same lines in the model's own forward, with names of their own.
            for s in inner:
                if s.name:
                    s.name = f"b{b + 1}{s.name}"
                if s.frm == "x":
                    s.frm = cur
            inner[-1].to = "h"
            cur = "h"
            steps.extend(inner)
        if stride == 2:
            h, w = (h + 1) // 2, (w + 1) // 2
        c = cout
    steps.extend(head_steps(rng, c))
    return [c0, h0, w0], steps, modules


def concat_arch(rng, i):
    """Inception-like branches joined by `torch.cat`, on images or sequences."""
    if rng.random() < 0.6:
        c0, h, w = rng.randint(1, 3), rng.randint(4, 12), rng.randint(4, 12)
        steps = []
        names = []
        total = 0
        odd = rng.random() < 0.3
        for j in range(rng.randint(2, 3)):
            co = rng.randint(1, 5)
            if odd and j == 1:
                # A stride-2 pooling beside a stride-2 convolution: equal on even sizes only.
                steps.append(Step({"MaxPool2d": {"kernel": 2}}, nn.MaxPool2d(2), frm="x", to=f"b{j}"))
                co = c0
            else:
                s = 2 if odd else 1
                spec, m = g_conv(rng, c0, co, stride=s)
                steps.append(Step(spec, m, name=f"branch{j}", frm="x", to=f"b{j}"))
            names.append(f"b{j}")
            total += co
        dim = rng.choice([1, 1, -3])
        steps.append(Step({"Cat": {"dim": dim}}, frm=names, to="out"))
        a, mk = g_act(rng)
        steps.append(Step(a, mk()))
        if rng.random() < 0.5:
            steps.extend(head_steps(rng, total))
        return [c0, h * 2 if odd else h, w * 2 if odd else w], steps, []
    c0, l = rng.randint(1, 4), rng.randint(6, 30)
    co = rng.randint(1, 4)
    k = rng.choice([1, 3, 5])
    conv = nn.Conv1d(c0, co, k, padding=k // 2)
    steps = [Step({"Conv1d": {"in": c0, "out": co, "kernel": k, "padding": k // 2}}, conv,
                  name="conv", frm="x", to="a")]
    dim = rng.choice([1, 2, -1])
    if dim == 1:
        steps.append(Step({"Cat": {"dim": 1}}, frm=["a", "x"], to="out"))
    else:
        same = nn.Conv1d(c0, c0, 1)
        steps.append(Step({"Conv1d": {"in": c0, "out": c0, "kernel": 1}}, same, name="proj",
                          frm="x", to="p"))
        # Along the length: channels must match, so the first branch keeps c0 channels.
        steps[0] = Step({"Conv1d": {"in": c0, "out": c0, "kernel": k, "padding": k // 2}},
                        nn.Conv1d(c0, c0, k, padding=k // 2), name="conv", frm="x", to="a")
        steps.append(Step({"Cat": {"dim": dim}}, frm=["a", "p", "x"], to="out"))
    steps.append(Step("Tanh", nn.Tanh()))
    return [c0, l], steps, []


def gate_arch(rng, i):
    """`x * torch.sigmoid(...)` gates and a squeeze-excitation (broadcast over H and W)."""
    c0, h, w = rng.randint(2, 6), rng.randint(3, 10), rng.randint(3, 10)
    steps = []
    if rng.random() < 0.5:
        steps.append(Step({"AdaptiveAvgPool2d": {"output_size": 1}}, nn.AdaptiveAvgPool2d(1),
                          frm="x", to="s"))
        r = max(1, c0 // 2)
        steps.append(Step({"Conv2d": {"in": c0, "out": r, "kernel": 1}}, nn.Conv2d(c0, r, 1),
                          name="squeeze"))
        steps.append(Step("ReLU", nn.ReLU()))
        steps.append(Step({"Conv2d": {"in": r, "out": c0, "kernel": 1}}, nn.Conv2d(r, c0, 1),
                          name="excite"))
        steps.append(Step("Sigmoid", nn.Sigmoid()))
        steps.append(Step("Mul", frm=["x", "s"], to="y"))
        if rng.random() < 0.5:
            steps.append(Step("Add", frm=["y", "x"], to="y"))
    else:
        co = rng.randint(1, 6)
        spec, m = g_conv(rng, c0, co)
        steps.append(Step(spec, m, name="value", frm="x", to="v"))
        spec, m = g_conv(rng, c0, co)
        steps.append(Step(spec, m, name="gate", frm="x", to="g"))
        steps.append(Step("Sigmoid", nn.Sigmoid()))
        steps.append(Step("Mul", frm=["v", "g"], to="y"))
    return [c0, h, w], steps, []


def sequential_arch(rng, i):
    """`self.features = nn.Sequential(...)` and `self.classifier = nn.Sequential(...)`."""
    for _ in range(50):
        shape = [rng.randint(1, 4), rng.randint(6, 16), rng.randint(6, 16)]
        cur = list(shape)
        items = []
        for _ in range(rng.randint(1, 4)):
            layer = draw(rng, IMAGE)(rng, cur)
            if isinstance(layer.module, Tr):
                continue
            try:
                nxt = out_shape([layer.module], cur)
            except Exception:
                continue
            if math.prod(nxt) == 0 or math.prod(nxt) > MAX_ELEMS:
                continue
            items.append(layer)
            cur = nxt
        if items:
            break
    steps = [Step({"Sequential": [l.spec for l in items]},
                  nn.Sequential(*[l.module for l in items]), name="features")]
    n = math.prod(cur)
    hidden = rng.randint(2, 12)
    cls = [Layer("Flatten", nn.Flatten(), False),
           Layer({"Linear": {"in": n, "out": hidden}}, nn.Linear(n, hidden), True)]
    if rng.random() < 0.5:
        a = activation(rng, [hidden])
        if not isinstance(a.module, Tr):
            cls.append(a)
    out = rng.randint(2, 6)
    cls.append(Layer({"Linear": {"in": hidden, "out": out}}, nn.Linear(hidden, out), True))
    steps.append(Step({"Sequential": [l.spec for l in cls]}, nn.Sequential(*[l.module for l in cls]),
                      name="classifier"))
    return shape, steps, []


def graph_figures(name, shape, steps, modules):
    model = GraphModule(steps).eval()
    spec = {"id": name, "input": shape, "layers": [s.entry() for s in steps]}
    if modules:
        spec["modules"] = modules
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for b in model.buffers())
    info = summary(model, input_size=(BATCH, *shape), verbose=0, device="cpu")
    with torch.no_grad():
        y = model(torch.randn(BATCH, *shape))
    inputs = []
    for s in variants(random.Random(zlib.crc32(name.encode())), shape):
        try:
            with torch.no_grad():
                z = model(torch.randn(BATCH, *s))
            ok = z.shape[0] == BATCH
            inputs.append({"input": s, "output": list(z.shape) if ok else None})
        except Exception:
            inputs.append({"input": s, "output": None})
    return {
        "spec": spec,
        "batch": BATCH,
        "params": params,
        "trainable": trainable,
        "buffers": buffers,
        "mult_adds": int(info.total_mult_adds),
        "output": list(y.shape),
        "inputs": inputs,
    }


GRAPHS = [(residual_arch, 24), (concat_arch, 20), (gate_arch, 12), (sequential_arch, 16)]


def graph_cases(rng):
    out = []
    for make, n in GRAPHS:
        k = 0
        while k < n:
            shape, steps, modules = make(rng, k)
            name = f"{make.__name__}_{k}"
            try:
                out.append(graph_figures(name, shape, steps, modules))
            except Exception as e:  # a draw PyTorch cannot run on its own input: draw again
                print(f"{name}: {e}", file=sys.stderr)
                continue
            k += 1
    return out


# ---------------------------------------------------------------- norms, Dropout2d and
# operations over dimensions (flatten ranges, log-softmax, mean/sum, transpose, permute,
# select): chains of their own, drawn from a generator of their own, so that the draws
# above stay as they were.


def bn_flags(rng, args):
    kw = {}
    if rng.random() < 0.3:
        args["affine"] = False
        kw["affine"] = False
    if rng.random() < 0.3:
        args["track_running_stats"] = False
        kw["track_running_stats"] = False
    return kw


def batch_norm2d_args(rng, shape):
    c = shape[0]
    args = {"features": c}
    kw = bn_flags(rng, args)
    weights = kw.get("affine", True) or kw.get("track_running_stats", True)
    return Layer({"BatchNorm2d": args}, nn.BatchNorm2d(c, **kw), weights)


def batch_norm1d(rng, shape):
    c = shape[0]
    args = {"features": c}
    kw = bn_flags(rng, args)
    weights = kw.get("affine", True) or kw.get("track_running_stats", True)
    return Layer({"BatchNorm1d": args}, nn.BatchNorm1d(c, **kw), weights)


def layer_norm(rng, shape):
    k = rng.randint(1, min(2, len(shape)))
    ns = list(shape[-k:])
    args = {"normalized_shape": ns[0] if k == 1 and rng.random() < 0.6 else ns}
    kw = {}
    if rng.random() < 0.25:
        args["elementwise_affine"] = False
        kw["elementwise_affine"] = False
    elif rng.random() < 0.3:
        args["bias"] = False
        kw["bias"] = False
    m = nn.LayerNorm(ns, **kw)
    return Layer({"LayerNorm": args}, m, kw.get("elementwise_affine", True))


def group_norm(rng, shape):
    c = shape[0]
    groups = rng.choice([g for g in range(1, c + 1) if c % g == 0])
    args = {"num_groups": groups, "num_channels": c}
    affine = rng.random() < 0.75
    if not affine:
        args["affine"] = False
    return Layer({"GroupNorm": args}, nn.GroupNorm(groups, c, affine=affine), affine)


def dropout2d(rng, shape):
    p = rng.choice([0.1, 0.25, 0.5])
    return Layer({"Dropout2d": {"p": p}}, nn.Dropout2d(p), False)


def some_dim(rng, rank, lo=1):
    """A dimension in lo..rank-1, sometimes written from the end."""
    d = rng.randint(lo, rank - 1)
    return d - rank if rng.random() < 0.3 else d


def flatten_dims(rng, shape):
    rank = len(shape) + 1
    s = rng.randint(1, rank - 1)
    e = rng.randint(s, rank - 1)
    args = {}
    if s != 1 or rng.random() < 0.3:
        args["start_dim"] = s
    e_written = -1 if e == rank - 1 and rng.random() < 0.5 else (e - rank if rng.random() < 0.3 else e)
    if e_written != -1:
        args["end_dim"] = e_written
    return Layer({"FlattenDims": args}, nn.Flatten(s, e_written), False)


def log_softmax(rng, shape):
    d = some_dim(rng, len(shape) + 1)
    return Layer({"LogSoftmax": {"dim": d}}, nn.LogSoftmax(dim=d), False)


def reduce(rng, shape):
    d = some_dim(rng, len(shape) + 1)
    keep = len(shape) < 2 or rng.random() < 0.4
    mean = rng.random() < 0.6
    args = {"dim": d}
    if keep:
        args["keepdim"] = True
    f = (lambda x: x.mean(dim=d, keepdim=keep)) if mean else (lambda x: x.sum(dim=d, keepdim=keep))
    return Layer({"Mean" if mean else "Sum": args}, Tr(f), False)


def transpose(rng, shape):
    rank = len(shape) + 1
    if rank < 3:
        return Layer({"Transpose": {"dim0": 1, "dim1": -1}}, Tr(lambda x: x.transpose(1, -1)), False)
    a, b = rng.sample(range(1, rank), 2)
    if rng.random() < 0.3:
        b -= rank
    return Layer({"Transpose": {"dim0": a, "dim1": b}}, Tr(lambda x: x.transpose(a, b)), False)


def permute(rng, shape):
    rest = list(range(1, len(shape) + 1))
    rng.shuffle(rest)
    dims = [0] + rest
    return Layer({"Permute": {"dims": dims}}, Tr(lambda x: x.permute(*dims)), False)


def select(rng, shape):
    if len(shape) < 2:
        return None
    rank = len(shape) + 1
    d = some_dim(rng, rank)
    size = shape[d - 1 if d > 0 else d + rank - 1]
    index = rng.randint(-size, size - 1)
    if rng.random() < 0.5:
        index = -1

    def f(x):
        return x.select(d, index)
    return Layer({"Select": {"dim": d, "index": index}}, Tr(f), False)


DIM_OPS = [(flatten_dims, 2), (log_softmax, 1), (reduce, 2), (transpose, 2), (permute, 1),
           (select, 2)]
L_IMAGE = [(conv2d, 3), (batch_norm2d_args, 3), (group_norm, 2), (layer_norm, 2),
           (dropout2d, 2), (activation, 1)] + DIM_OPS
L_SEQUENCE = [(conv1d, 3), (batch_norm1d, 3), (group_norm, 2), (layer_norm, 2),
              (activation, 1)] + DIM_OPS
L_VECTOR = [(linear, 3), (batch_norm1d, 3), (layer_norm, 2), (log_softmax, 1),
            (activation, 1)]
L_TARGET = 90


def layers_build(rng, family):
    if family == "image":
        shape = [rng.randint(1, 6), rng.randint(3, 10), rng.randint(3, 10)]
        table = L_IMAGE
    elif family == "sequence":
        shape = [rng.randint(1, 8), rng.randint(3, 24)]
        table = L_SEQUENCE
    else:
        shape = [rng.randint(2, 24)]
        table = L_VECTOR
    depth = rng.randint(1, 5)
    layers, cur, tries = [], list(shape), 0
    while len(layers) < depth and tries < 60:
        tries += 1
        layer = draw(rng, table)(rng, cur)
        if layer is None:
            continue
        try:
            nxt = out_shape([layer.module], cur)
        except Exception:
            continue
        if len(nxt) == 0 or math.prod(nxt) == 0 or math.prod(nxt) > MAX_ELEMS:
            continue
        layers.append(layer)
        cur = nxt
    if rng.random() < 0.5:
        layers.append(flatten(rng, cur))
        cur = [math.prod(cur)]
        layers.append(linear(rng, cur))
    if not layers:
        layers.append(layer_norm(rng, cur))
    return shape, layers


L_INVALID = [
    ([6, 4, 4], {"GroupNorm": {"num_groups": 4, "num_channels": 6}}, lambda: nn.GroupNorm(4, 6)),
    ([3, 4, 4], {"Dropout2d": {"p": 1.5}}, lambda: nn.Dropout2d(1.5)),
    ([3, 4, 4], {"BatchNorm2d": {"features": 0}}, lambda: nn.BatchNorm2d(0)),
    ([5], {"Embedding": {"num_embeddings": 10, "embedding_dim": 4, "padding_idx": 10}},
     lambda: nn.Embedding(10, 4, padding_idx=10)),
]


def layers_cases(rng):
    out = []
    families = ["image"] * 4 + ["sequence"] * 3 + ["vector"] * 2
    i = 0
    while len(out) < L_TARGET:
        family = families[i % len(families)]
        i += 1
        shape, layers = layers_build(rng, family)
        out.append(figures(f"layers_{family}_{i}", shape, layers))
    for i, (shape, spec, make) in enumerate(L_INVALID):
        refused = False
        try:
            make()(torch.randn(BATCH, *shape))
        except Exception:
            refused = True
        assert refused, spec
        out.append({"spec": {"id": f"layers_invalid_{i}", "input": shape,
                             "layers": [{"name": "l1", "layer": spec}]}, "invalid": True})
    return out


# ---------------------------------------------------------------- token inputs (Embedding)


def embedding(rng, vocab):
    d = rng.randint(2, 12)
    args = {"num_embeddings": vocab, "embedding_dim": d}
    kw = {}
    if rng.random() < 0.3:
        pad = rng.randint(-vocab, vocab - 1)
        args["padding_idx"] = pad
        kw["padding_idx"] = pad
    return Layer({"Embedding": args}, nn.Embedding(vocab, d, **kw), True)


class Out(nn.Module):
    """`x, _ = self.lstm(x)`: a recurrent layer's output of every step."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)[0]


def recurrent(rng, shape):
    if len(shape) != 2:
        return None
    kind = rng.choice(["RNN", "LSTM", "GRU"])
    f, h = shape[-1], rng.randint(1, 10)
    args = {"input_size": f, "hidden_size": h}
    kw = {}
    for key, p, value in [("num_layers", 0.3, 2), ("bias", 0.2, False),
                          ("batch_first", 0.6, True), ("bidirectional", 0.4, True)]:
        if rng.random() < p:
            args[key] = value
            kw[key] = value
    m = getattr(nn, kind)(f, h, **kw)
    return Layer({kind: args}, Out(m), True)


# No Linear on a sequence: torchinfo counts it batch x params where mltutor counts every
# position (`src/core/spec/linear.rs`); a classifier head comes after a reduction.
T_TABLE = [(layer_norm, 2), (transpose, 2), (conv1d, 2), (reduce, 2), (select, 2),
           (activation, 1), (recurrent, 4)]


def token_figures(name, shape, layers, vocab):
    """`figures` for a model whose input is token ids (drawn below `vocab`)."""
    ids = lambda s: torch.randint(0, vocab, (BATCH, *s))
    seq = [l.module for l in layers]
    spec_layers = []
    for i, l in enumerate(layers):
        entry = {"layer": l.spec}
        if l.weights:
            entry["name"] = f"l{i + 1}"
        spec_layers.append(entry)
    model = nn.Sequential(*seq).eval()
    x = ids(shape)
    info = summary(model, input_data=[x], verbose=0, device="cpu")
    with torch.no_grad():
        y = model(x)
    inputs = []
    for s in variants(random.Random(zlib.crc32(name.encode())), shape):
        try:
            with torch.no_grad():
                out = model(ids(s))
            inputs.append({"input": s, "output": list(out.shape)})
        except Exception:
            inputs.append({"input": s, "output": None})
    return {
        "spec": {"id": name, "input": shape, "layers": spec_layers},
        "batch": BATCH,
        "params": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "mult_adds": int(info.total_mult_adds),
        "output": list(y.shape),
        "inputs": inputs,
    }


def token_cases(rng, n=24):
    out = []
    for k in range(n):
        vocab = rng.randint(2, 60)
        shape = [rng.randint(1, 30)]
        layers = [embedding(rng, vocab)]
        cur = shape + [layers[0].spec["Embedding"]["embedding_dim"]]
        tries = 0
        while len(layers) < rng.randint(1, 5) and tries < 40:
            tries += 1
            layer = draw(rng, T_TABLE)(rng, cur)
            if layer is None:
                continue
            try:
                nxt = out_shape([layer.module], cur)
            except Exception:
                continue
            if len(nxt) == 0 or math.prod(nxt) == 0 or math.prod(nxt) > MAX_ELEMS:
                continue
            layers.append(layer)
            cur = nxt
        if len(cur) == 1:
            layers.append(linear(rng, cur))
        out.append(token_figures(f"tokens_{k}", shape, layers, vocab))
    # Sequences of feature vectors through recurrent layers.
    for k in range(n):
        shape = [rng.randint(1, 12), rng.randint(1, 8)]
        layers, cur, tries = [], list(shape), 0
        depth = rng.randint(1, 3)
        while len(layers) < depth and tries < 40:
            tries += 1
            layer = draw(rng, [(recurrent, 4), (layer_norm, 1), (activation, 1)])(rng, cur)
            if layer is None:
                continue
            try:
                nxt = out_shape([layer.module], cur)
            except Exception:
                continue
            layers.append(layer)
            cur = nxt
        if rng.random() < 0.6 and len(cur) == 2:
            layers.append(select(rng, cur))
            cur = out_shape([layers[-1].module], cur)
            layers.append(linear(rng, cur))
        if layers:
            out.append(figures(f"recurrent_{k}", shape, layers))
    return out


# ---------------------------------------------------------------- final states of recurrent
# layers (`_, (h, _) = self.lstm(x)`, `h[-1]`, `h.squeeze(0)`, `torch.cat((h[-2], h[-1]),
# dim=1)`), PyTorch's remaining recurrent and norm arguments, and Linear on a sequence:
# drawn from generators of their own, so that the draws above stay as they were.


def recurrent_args(rng, kind, f, state):
    """A recurrent layer's spec arguments and PyTorch keywords, every argument drawn."""
    h = rng.randint(2, 10)
    args = {"input_size": f, "hidden_size": h}
    kw = {}
    draws = [("num_layers", 0.4, rng.choice([2, 3])), ("bias", 0.2, False),
             ("batch_first", 1.0 if state else 0.6, True), ("bidirectional", 0.4, True)]
    if kind == "RNN":
        draws.append(("nonlinearity", 0.5, "relu"))
    if kind == "LSTM" and h > 2:
        draws.append(("proj_size", 0.3, rng.randint(1, h - 1)))
    for key, p, value in draws:
        if rng.random() < p:
            args[key] = value
            kw[key] = value
    if kw.get("num_layers", 1) > 1 and rng.random() < 0.5:
        args["dropout"] = kw["dropout"] = rng.choice([0.1, 0.25])
    return args, kw


class StateNet(nn.Module):
    """`[emb] -> rnn -> read of h_n or c_n -> fc`, as courses write it."""

    def __init__(self, emb, rnn, kind, which, read, fc):
        super().__init__()
        if emb is not None:
            self.emb = emb
        self.rnn = rnn
        self.fc = fc
        self.kind, self.which, self.read = kind, which, read

    def forward(self, x):
        if hasattr(self, "emb"):
            x = self.emb(x)
        if self.kind == "LSTM":
            _, (h, c) = self.rnn(x)
            s = h if self.which == "h_n" else c
        else:
            _, s = self.rnn(x)
        r = self.read
        if r[0] == "index":
            z = s[r[1]]
        elif r[0] == "squeeze":
            z = s.squeeze(0)
        else:
            z = torch.cat((s[-2], s[-1]), dim=1)
        return self.fc(z)


def state_case(rng, k):
    tokens = rng.random() < 0.4
    kind = rng.choice(["RNN", "LSTM", "GRU"])
    layers, vocab = [], None
    if tokens:
        vocab = rng.randint(2, 40)
        shape = [rng.randint(1, 20)]
        emb = embedding(rng, vocab)
        f = emb.spec["Embedding"]["embedding_dim"]
        layers.append({"name": "emb", "layer": emb.spec})
    else:
        shape = [rng.randint(1, 12), rng.randint(1, 8)]
        emb, f = None, shape[1]
    args, kw = recurrent_args(rng, kind, f, True)
    which = "c_n" if kind == "LSTM" and rng.random() < 0.25 else "h_n"
    args["returns"] = which
    rnn = getattr(nn, kind)(f, args["hidden_size"], **kw)
    d = 2 if kw.get("bidirectional") else 1
    n = d * kw.get("num_layers", 1)
    size = args["hidden_size"] if which == "c_n" or not kw.get("proj_size") else kw["proj_size"]
    layers.append({"name": "rnn", "layer": {kind: args}, "to": "h"})
    if d == 2 and rng.random() < 0.6:
        read = ("cat",)
        layers += [{"layer": {"FinalState": {"index": -2}}, "from": "h", "to": "a"},
                   {"layer": {"FinalState": {"index": -1}}, "from": "h", "to": "b"},
                   {"layer": {"Cat": {"dim": 1}}, "from": ["a", "b"], "to": "x"}]
        feats = 2 * size
    elif n == 1 and rng.random() < 0.5:
        read = ("squeeze",)
        layers.append({"layer": "FinalStateSqueeze", "from": "h", "to": "x"})
        feats = size
    else:
        index = -1 if rng.random() < 0.7 else rng.randint(-n, n - 1)
        read = ("index", index)
        layers.append({"layer": {"FinalState": {"index": index}}, "from": "h", "to": "x"})
        feats = size
    out = rng.randint(1, 6)
    fc = nn.Linear(feats, out)
    layers.append({"name": "fc", "layer": {"Linear": {"in": feats, "out": out}}})
    model = StateNet(emb.module if emb else None, rnn, kind, which, read, fc).eval()
    make = ((lambda s: torch.randint(0, vocab, (BATCH, *s))) if tokens
            else (lambda s: torch.randn(BATCH, *s)))
    return model_figures(f"state_{k}", shape, layers, model, make)


def model_figures(name, shape, layers, model, make):
    """PyTorch's figures for `model` (spec `layers`), its inputs drawn by `make(shape)`."""
    x = make(shape)
    info = summary(model, input_data=[x], verbose=0, device="cpu")
    with torch.no_grad():
        y = model(x)
    inputs = []
    for s in variants(random.Random(zlib.crc32(name.encode())), shape):
        try:
            with torch.no_grad():
                z = model(make(s))
            inputs.append({"input": s, "output": list(z.shape) if z.shape[0] == BATCH else None})
        except Exception:
            inputs.append({"input": s, "output": None})
    return {
        "spec": {"id": name, "input": shape, "layers": layers},
        "batch": BATCH,
        "params": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "mult_adds": int(info.total_mult_adds),
        "output": list(y.shape),
        "inputs": inputs,
    }


def recurrent_full(rng, shape):
    """`x, _ = self.rnn(x)` with any of PyTorch's arguments."""
    if len(shape) != 2:
        return None
    kind = rng.choice(["RNN", "LSTM", "GRU"])
    args, kw = recurrent_args(rng, kind, shape[-1], False)
    return Layer({kind: args}, Out(getattr(nn, kind)(shape[-1], args["hidden_size"], **kw)), True)


def norm_eps(rng, args, kw, momentum):
    if rng.random() < 0.5:
        eps = rng.choice([1e-3, 1e-6, 0.01, 1e-05])
        args["eps"] = kw["eps"] = eps
    if momentum and rng.random() < 0.5:
        m = rng.choice([None, 0.01, 0.3, 0.1])
        args["momentum"] = kw["momentum"] = m


def norm_args(rng, shape):
    """BatchNorm1d, LayerNorm or GroupNorm with `eps` (and `momentum`) drawn."""
    c = shape[0]
    r = rng.random()
    args, kw = {}, {}
    if r < 0.4 and len(shape) == 2:
        args["features"] = c
        norm_eps(rng, args, kw, True)
        return Layer({"BatchNorm1d": args}, nn.BatchNorm1d(c, **kw), True)
    if r < 0.7:
        args["normalized_shape"] = shape[-1]
        norm_eps(rng, args, kw, False)
        return Layer({"LayerNorm": args}, nn.LayerNorm(shape[-1], **kw), True)
    g = rng.choice([g for g in range(1, c + 1) if c % g == 0])
    args.update({"num_groups": g, "num_channels": c})
    norm_eps(rng, args, kw, False)
    return Layer({"GroupNorm": args}, nn.GroupNorm(g, c, **kw), True)


def seq_linear(rng, shape):
    """Linear on every step of an L x F sequence: torchinfo counts batch x params."""
    if len(shape) != 2:
        return None
    return linear(rng, shape)


ARGS_TABLE = [(recurrent_full, 4), (norm_args, 2), (seq_linear, 3), (activation, 1)]


def recurrent_state_cases(rng, n=40):
    out = [state_case(rng, k) for k in range(n)]
    # Chains over feature sequences: every recurrent and norm argument, Linear per step.
    for k in range(n):
        shape = [rng.randint(1, 12), rng.randint(1, 8)]
        layers, cur, tries = [], list(shape), 0
        depth = rng.randint(1, 4)
        while len(layers) < depth and tries < 40:
            tries += 1
            layer = draw(rng, ARGS_TABLE)(rng, cur)
            if layer is None:
                continue
            try:
                nxt = out_shape([layer.module], cur)
            except Exception:
                continue
            if len(nxt) == 0 or math.prod(nxt) == 0 or math.prod(nxt) > MAX_ELEMS:
                continue
            layers.append(layer)
            cur = nxt
        if layers:
            out.append(figures(f"recurrent_args_{k}", shape, layers))
    return out


# ---------------------------------------------------------------- attention (MultiheadAttention,
# TransformerEncoderLayer, TransformerEncoder)


class SelfAttention(nn.Module):
    """`x, _ = self.attn(x, x, x)`: self-attention's output, its weights dropped."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x, x, x)[0]


def heads_of(rng, e):
    return rng.choice([h for h in range(1, min(e, 4) + 1) if e % h == 0])


def multihead_attention(rng, shape):
    if len(shape) != 2:
        return None
    e = shape[-1]
    h = heads_of(rng, e)
    args = {"embed_dim": e, "num_heads": h}
    kw = {}
    for key, p, value in [("dropout", 0.2, 0.1), ("bias", 0.3, False),
                          ("batch_first", 0.5, True)]:
        if rng.random() < p:
            args[key] = value
            kw[key] = value
    return Layer({"MultiheadAttention": args}, SelfAttention(nn.MultiheadAttention(e, h, **kw)),
                 True)


def encoder_layer_args(rng, e):
    h = heads_of(rng, e)
    ff = rng.randint(1, 24)
    args = {"d_model": e, "nhead": h, "dim_feedforward": ff}
    kw = {"dim_feedforward": ff}
    for key, p, value in [("dropout", 0.3, 0.0), ("activation", 0.4, "gelu"),
                          ("layer_norm_eps", 0.2, 1e-6), ("batch_first", 0.5, True),
                          ("norm_first", 0.4, True), ("bias", 0.3, False)]:
        if rng.random() < p:
            args[key] = value
            kw[key] = value
    return args, (e, h), kw


def transformer_encoder_layer(rng, shape):
    if len(shape) != 2:
        return None
    args, (e, h), kw = encoder_layer_args(rng, shape[-1])
    return Layer({"TransformerEncoderLayer": args}, nn.TransformerEncoderLayer(e, h, **kw), True)


def transformer_encoder(rng, shape):
    if len(shape) != 2:
        return None
    args, (e, h), kw = encoder_layer_args(rng, shape[-1])
    n = rng.randint(1, 3)
    layer = nn.TransformerEncoderLayer(e, h, **kw)
    m = nn.TransformerEncoder(layer, num_layers=n, enable_nested_tensor=False)
    return Layer({"TransformerEncoder": {"layer": args, "num_layers": n}}, m, True)


A_TABLE = [(multihead_attention, 3), (transformer_encoder_layer, 3), (transformer_encoder, 2),
           (layer_norm, 1), (activation, 1)]


def attention_cases(rng, n=16):
    """Sequences of feature vectors, and token sequences through an embedding, attended."""
    out = []
    for k in range(n):
        shape = [rng.randint(1, 10), rng.choice([2, 4, 6, 8, 12])]
        layers, cur, tries = [], list(shape), 0
        depth = rng.randint(1, 3)
        while len(layers) < depth and tries < 40:
            tries += 1
            layer = draw(rng, A_TABLE)(rng, cur)
            if layer is None:
                continue
            layers.append(layer)
        if rng.random() < 0.6:
            layers.append(reduce(rng, cur) if rng.random() < 0.5 else select(rng, cur))
            cur = out_shape([layers[-1].module], cur)
            if len(cur) == 1:
                layers.append(linear(rng, cur))
        out.append(figures(f"attention_{k}", shape, layers))
    for k in range(n // 2):
        vocab = rng.randint(2, 40)
        shape = [rng.randint(1, 16)]
        emb = embedding(rng, vocab)
        d = emb.spec["Embedding"]["embedding_dim"]
        layers = [emb, draw(rng, A_TABLE[:3])(rng, shape + [d])]
        layers.append(Layer({"Mean": {"dim": 1}}, Tr(lambda x: x.mean(dim=1)), False))
        layers.append(linear(rng, [d]))
        out.append(token_figures(f"attention_tokens_{k}", shape, layers, vocab))
    # PyTorch refuses a model dimension its heads do not divide.
    for i, (spec, make) in enumerate([
        ({"MultiheadAttention": {"embed_dim": 10, "num_heads": 3}},
         lambda: nn.MultiheadAttention(10, 3)),
        ({"TransformerEncoderLayer": {"d_model": 6, "nhead": 4}},
         lambda: nn.TransformerEncoderLayer(6, 4)),
    ]):
        try:
            make()
            refused = False
        except Exception:
            refused = True
        assert refused, spec
        out.append({"spec": {"id": f"invalid_attention_{i}", "input": [4, 6],
                             "layers": [{"name": "l1", "layer": spec}]}, "invalid": True})
    return out


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
    corpus.extend(graph_cases(random.Random(SEED + 1)))
    corpus.extend(layers_cases(random.Random(SEED + 2)))
    corpus.extend(token_cases(random.Random(SEED + 3)))
    corpus.extend(attention_cases(random.Random(SEED + 4)))
    corpus.extend(recurrent_state_cases(random.Random(SEED + 5)))
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

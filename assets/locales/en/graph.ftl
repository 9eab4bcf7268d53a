# Graphs: named tensors, Add/Mul/Cat, nn.Sequential and sub-module classes (src/core/spec/graph.rs).
graph-unknown-tensor = { $at } reads `{ $name }`, which no line of `{ $class }.forward` writes (written so far: { $written }). Check the spelling of `from`, or write the tensor first with `to: "{ $name }"`.
graph-read-before-written = { $at } reads `{ $name }` before any line of `{ $class }.forward` writes it: move the line that writes `{ $name }` (its `to`) above this one.
graph-bad-tensor-name = { $at } writes `{ $name }`, which is not a Python variable name (letters, digits and _, not starting with a digit).
graph-unused = { $at } ({ $label }) computes a tensor that nothing in `{ $class }.forward` reads and that is not returned: PyTorch would still run this layer and count its parameters. Read its output (its `to`) in a later line, or remove the layer.
graph-inputs-one = { $at } takes one tensor, but `from` names { $got ->
    [one] one
   *[other] { $got }
}.
graph-inputs-many = { $at } combines at least { $min } tensors, but `from` names { $got ->
    [one] one
   *[other] { $got }
}: write `from: ["out", "identity"]`.
graph-not-a-module = { $at } is a Python operator (`+`, `*`, `torch.cat`), not a module: remove its `name`.
graph-inline-wired = { $at } is `inline` but reads named tensors or combines them: an inline layer wraps the previous line's expression; remove `inline` or `from`.
graph-container-unnamed = { $at } is a module holding layers: give it a `name` (the code holds it as `self.name`).
graph-not-in-sequential = { $at } holds { $type_name }, which has no `nn` module: nn.Sequential can hold only modules. Write it as a line of `forward` instead.
graph-empty = { $at } holds no layer: give it at least one.
graph-unknown-class = { $at } uses the class `{ $class }`, which is not defined before it in `modules` (defined: { $known }). A class may use only the classes listed above it.
graph-class-twice = the class `{ $class }` is defined twice (or named like the model's class): give each class its own name.
graph-bad-class = `{ $class }` is not a Python class name (letters, digits and _, not starting with a digit).
graph-too-large = the model unfolds into more than { $max } layers: sub-modules used inside sub-modules multiply, so this is refused before anything is built.

graph-need-same-rank = tensors with the same number of dimensions
graph-need-broadcast = shapes that match in every dimension (or are 1 there: PyTorch's broadcasting)
graph-need-cat = tensors whose shapes match in every dimension but the one joined
graph-need-cat-dim = a dimension between { $low } and { $high }
graph-got-two = { $a } and { $b }
graph-got-cat-dim = dim={ $dim } for { $shape } (batch first)
graph-got-cat-batch = dim=0, the batch
graph-why-rank = Flatten or reshape one of them first so that both have the same dimensions.
graph-why-broadcast = Dimension { $dim } (counting the batch as 0) is { $left } on one side and { $right } on the other: a skip connection needs the block to keep the channels and the size, or a 1x1 convolution (with the same stride) on the shortcut.
graph-why-cat = Dimension { $dim } (counting the batch as 0) is { $left } on one side and { $right } on the other; only dimension { $joined } may differ.
graph-why-cat-batch = Joining along the batch would mix samples together: join along the channels (dim=1).

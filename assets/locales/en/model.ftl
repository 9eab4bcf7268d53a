# Teacher- and student-facing messages about models: spec defects (`spec-…`) and why a
# model cannot run on an input (`plan-…`).

## A spec's defects, found before anything runs.

# $model: the model's id; $problem: one of the messages below.
spec-error = model `{ $model }`: { $problem }
# How a layer is named in the messages below ($at).
spec-layer-at = layer { $position } ({ $type_name })
spec-empty-id = the model id is empty
spec-input-rank = input must have 1 to 3 dimensions per sample (got { $got })
spec-input-zero = input dimensions must be at least 1
spec-no-layers = the model has no layers
spec-bad-name = { $at }: `{ $name }` is not a valid Python attribute name
spec-name-twice = { $at }: the name `{ $name }` is used twice
spec-unnamed = { $at } has weights, so the code must hold it as a module: give it a name (e.g. name: "conv1")
spec-first-inline = { $at }: the first layer cannot be inline
spec-conv-args = { $at }: channels, kernel and stride must be at least 1
spec-features-zero = { $at }: features must be at least 1
spec-pool-args = { $at }: kernel and stride must be at least 1
spec-view-args = { $at }: only x.view(-1, N) with N ≥ 1 is supported (got view({ $first }, { $n }))
spec-dropout-p = { $at }: dropout p must be in [0, 1) (got { $p })
spec-not-finite = { $at }: `{ $argument }` must be a finite number

## A shape that does not fit, told as teaching material:
## "<layer> needs <need>, but <origin> gives <got> for the input <input>. <why>"

plan-mismatch-input = Layer { $position } ({ $label }, { $type_name }) needs { $needed }, but the input is { $got }.
plan-mismatch-layers = Layer { $position } ({ $label }, { $type_name }) needs { $needed }, but { $origin } gives { $got } for the input { $input }.

plan-need-image = a sample of shape channels x height x width (3 dimensions)
plan-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
plan-why-image = { $op } slides over an image: give the input as C x H x W, e.g. 3x40x40.

plan-need-channels = { $expected } input channels
plan-got-channels = { $got ->
    [1] 1 channel
   *[other] { $got } channels
    } ({ $shape })
plan-why-channels = The first dimension of a sample is its channels: { $layer } was built with in_channels={ $expected }.

plan-need-kernel = height and width of at least { $min } (kernel { $kernel } minus twice the padding { $padding })
plan-why-kernel = The kernel does not fit inside the padded image.

plan-need-pool = height and width of at least { $kernel }
plan-why-pool = A pooling window of { $kernel }x{ $kernel } does not fit in the image.

plan-need-features = { $n ->
    [1] 1 feature per sample
   *[other] { $n } features per sample
    }
plan-got-last-dim = { $shape } (last dimension { $last })
plan-got-features = { $last ->
    [1] 1 feature
   *[other] { $last } features
    }
plan-why-flatten = A Linear layer acts on the last dimension only: flatten the sample first (x.view(-1, { $n }) or torch.flatten(x, 1)).

plan-why-view-mixes = PyTorch would not complain: it would cut each sample into { $rows } rows, so the batch would no longer hold one row per sample and samples' outputs would be mixed up.
plan-why-view-glues = PyTorch's view would only run on a batch whose size is a multiple of { $k }, and each row would then glue { $k } samples together.
plan-why-view-fails = { $per_sample } is not a multiple of { $n }, so PyTorch's view fails.

plan-need-dim = a dimension between { $low } and { $high }
plan-got-dim = dim={ $dim } (N x { $shape })

## The memory budget: "Refused before allocating anything: <what> would need <need>, …"

plan-over-budget = Refused before allocating anything: { $what } would need { $need }, over the memory budget of { $budget }. Use smaller layers or a smaller input (or raise the budget with --memory-budget).
plan-need-unbounded = more memory than a machine has
plan-what-layer = layer { $label }
plan-what-all-weights = the model's weights
plan-what-weights = the weights of `{ $model }`
plan-what-output = the output of { $label }
plan-what-activations = the activations
plan-what-batch = a batch of { $batch } through `{ $model }` up to { $label } (output { $shape })
plan-what-batch-buffers = a batch of { $batch } through `{ $model }` up to { $label } (with its padded working buffers)

## Sizes in bytes: $n is already formatted (`512.0`).
plan-bytes = { $n } B
plan-kib = { $n } KiB
plan-mib = { $n } MiB
plan-gib = { $n } GiB

## The live shape trace of a typed input (model panel, self-check)
plan-trace-input = input
plan-trace-batch = ✓ runs: { $n ->
    [one] a batch of one sample
   *[other] a batch of { $batch } samples
} of shape { $sample } (PyTorch takes the first dimension as the batch)
plan-trace-fails-here = ✗ here

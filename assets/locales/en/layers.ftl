# Normalisations and dimension operations against PyTorch's rules (src/core/spec/layers_rule.rs).

layers-groups = { $at }: num_channels ({ $channels }) must be divisible by num_groups ({ $groups })
layers-norm-shape = { $at }: normalized_shape takes one to three sizes, each at least 1
layers-batch-dim = { $at }: { $argument } 0 is the batch dimension, which must stay in place (dim 1 is the first dimension of a sample)
layers-padding-idx = { $at }: padding_idx ({ $padding_idx }) must be a token id, between { $low } and { $high }

layers-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
layers-need-batch = an operation that keeps the batch dimension (dim 0) in place
layers-got-batch = { $shape }, and { $op } would reach dim 0, the batch
layers-why-batch = Dimension 0 is the batch: moving, merging or removing it mixes the samples. Count the dimensions with the batch first (dim 1 is the first dimension of a sample).
layers-need-flatten-order = start_dim at most end_dim
layers-got-flatten-order = N x { $shape }, for start_dim={ $start } and end_dim={ $end }
layers-need-norm-shape = a sample ending with { $shape }
layers-why-norm-shape = LayerNorm normalises over the last dimensions of each sample: normalized_shape must equal them.
layers-need-features = a sample of C features or C x L (1 or 2 dimensions)
layers-why-features = BatchNorm1d takes N x C or N x C x L; use BatchNorm2d for images.
layers-need-permute-len = { $rank ->
    [one] { $rank } dimension in permute
   *[other] { $rank } dimensions in permute
    } (the batch included)
layers-got-permute-len = N x { $shape }, for { $len } given
layers-need-permute-dims = each dimension exactly once
layers-got-permute-dims = N x { $shape }, for permute({ $dims })
layers-need-group-channels = a number of channels (the first dimension of a sample) divisible by num_groups ({ $groups })
layers-need-sequence = a sample of steps x features, L x { $input_size }
layers-why-sequence = A recurrent layer reads one vector of input_size features per step.
layers-need-index = an index between { $low } and { $high }
layers-got-index = { $shape }, for index { $index }

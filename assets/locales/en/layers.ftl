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

# Attention layers (src/core/spec/attention.rs).
attention-heads = { $at }: { $dim_name } ({ $embed_dim }) must be divisible by { $heads_name } ({ $num_heads }): each head reads { $dim_name } / { $heads_name } features
attention-eps = { $at }: layer_norm_eps ({ $eps }) must be a positive number
attention-need-sequence = a sample of steps x features, L x { $embed_dim }
attention-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
attention-why-sequence = Attention reads one vector of embed_dim (d_model) features per step and compares every step with every other.

# Recurrent layers: arguments and final states (src/core/spec/seq.rs).
recurrent-dropout = { $at }: dropout between layers must be between 0 and 1 (got { $p })
recurrent-proj-size = { $at }: proj_size ({ $proj_size }) must be smaller than hidden_size ({ $hidden_size })
recurrent-cell-not-lstm = { $at }: only an LSTM has a cell state: returns "c_n" needs nn.LSTM (an RNN or a GRU returns output and h_n)
recurrent-state-batch-first = { $at }: reading the final state needs batch_first=True: mltutor's inputs put the batch first, and without batch_first PyTorch would read that dimension as the steps
recurrent-state-reader = { $at }: { $label } reads a final state (D·num_layers x N x H, the batch in the middle); only h[i] (h[-1]: the last layer) or h.squeeze(0) read it
recurrent-state-returned = { $at }: the model returns a final state, whose batch is not its first dimension: return h[-1] (the last layer's) instead
recurrent-not-a-state = { $at }: h[i] and h.squeeze(0) read a recurrent layer's final state (returns: "h_n" or "c_n"), and this tensor is not one
recurrent-squeeze = { $at }: h.squeeze(0) removes the first dimension only when it is 1, and here it is { $layers } (num_layers × directions): read h[-1] instead
attention-py-tuple = self.{ $name }(…) returns a pair (output, attention weights): write “x, _ = self.{ $name }(x, x, x)” or “self.{ $name }(x, x, x)[0]”
attention-py-not-self = self.{ $name } is read as self-attention only, self.{ $name }(x, x, x) (need_weights allowed): cross-attention (different query, key and value) and masks are not in the model language
attention-py-weights = the attention weights of self.{ $name } are not in the model language: write “x, _ = self.{ $name }(x, x, x)”

# Convolution and pooling arguments against PyTorch's rules (src/core/spec/rule.rs).

spec-zoo-zero = { $at }: { $argument } must be at least 1
spec-zoo-groups = { $at }: in_channels ({ $in_channels }) and out_channels ({ $out_channels }) must both be divisible by groups ({ $groups })
spec-zoo-same-stride = { $at }: padding="same" is not supported for strided convolutions (PyTorch refuses it): use stride 1, or give the padding as a number
spec-zoo-one-dim = { $at }: a 1-d layer takes one number for { $argument }, not a pair
spec-zoo-pool-padding = { $at }: the padding ({ $padding }) must be at most half of the kernel size ({ $kernel })
spec-zoo-output-padding = { $at }: output_padding ({ $output_padding }) must be smaller than either the stride ({ $stride }) or the dilation ({ $dilation })

spec-zoo-need-sequence = a sample of shape channels x length (2 dimensions)
spec-zoo-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
spec-zoo-why-sequence = { $op } slides along a sequence: give the input as C x L, e.g. 4x50.
spec-zoo-need-hw = a height of at least { $height } and a width of at least { $width }
spec-zoo-need-length = a length of at least { $length }
spec-zoo-why-window = The window (kernel, dilation and padding) does not fit inside the input.

# Generated data sets: what a model reads, what tells its classes apart, and why a set cannot be made.

## What the data is (the lab's settings, `train`'s first lines)
data-kind-image = data: images { $shape }
data-kind-vector = data: vectors of { $features }
data-kind-channels = data: { $features } channels, { $steps } steps
data-kind-steps = data: { $steps } steps of { $features }
data-kind-tokens = data: { $length } ids among { $vocabulary }
data-classes-list = classes: { $names }
data-classes-clusters = classes: { $classes } clusters
data-classes-markers = classes: { $classes } token pairs
data-classes-shapes = classes: { $classes } shapes
data-classes-motifs = classes: { $classes } motifs
data-noise-pixels = pixel noise
data-noise-values = noise
data-noise-tokens = token swaps

## Image classes
data-shape-square = square
data-shape-frame = frame
data-shape-disc = disc
data-shape-ring = ring
data-shape-h-stripes = horizontal stripes
data-shape-v-stripes = vertical stripes
data-shape-diagonal = diagonal
data-shape-plus = plus
data-shape-cross = cross
data-shape-checker = checker

## Sequence classes
data-motif-burst = burst
data-motif-step = step
data-motif-spike = spike
data-motif-ramp = ramp
data-motif-chirp = chirp
data-motif-pulse = pulse
data-motif-dip = dip
data-motif-drop = drop
data-motif-double-spike = double spike
data-motif-fast-burst = fast burst

## Refusals
data-unsupported-input = no data can be generated for an input of { $rank } dimensions ({ $shape }): mltutor generates images (C x H x W), vectors, sequences (2 dimensions) and token ids (1 dimension, read by an Embedding)
data-tokens-rank = an Embedding reads this model's input { $shape }: generated token ids are a sequence of one dimension (an input such as 50)
data-too-many-sequence-classes = the sequence generator draws { $kinds } kinds of motifs; the model has { $classes } outputs
data-tokens-too-short = a sequence of { $length } { $length ->
    [one] token
   *[other] tokens
} cannot hold a marker pair: give the model an input of 2 tokens at least
data-vocabulary-too-small = a vocabulary of { $vocabulary } ids is too small for { $classes } classes: a marker pair per class and filler need { $needed } ids
data-tokens-from-files = --data reads images; this model reads token ids (an Embedding first): train it on generated sequences, without --data

# The engine's training runs and data sets.

## Training settings
train-setting-range = { $name } must be { $whole ->
    [yes] a whole number
   *[no] a number
} from { $min } to { $max }
train-setting-not-whole = { $name } must be a whole number
train-speed-slow = slow
train-speed-normal = normal
train-speed-fast = fast
train-speed-max = max

## Training runs
train-too-many-classes = the data has { $data } classes but the model only { $model } { $model ->
    [one] output
   *[other] outputs
}
train-step-failed = training step failed: { $why }
train-diverged = the loss exploded: lower the learning rate (the loss went from { $first } to { $loss } at epoch { $epoch }, with a learning rate of { $lr })

## Data sets
train-data-too-few-outputs = the model has { $classes } { $classes ->
    [one] output
   *[other] outputs
}: the lab trains classifiers, which need at least 2 outputs
train-data-empty-sets = the training and validation sets need at least one sample each
train-data-too-many-image-classes = the image generator draws { $kinds } kinds of shapes; the model has { $classes } outputs
train-data-cannot-read = cannot read { $path }: { $why }
train-data-shape-mismatch = the data in { $dir } has samples of shape { $data }, but the model takes { $model }: pick a model whose input matches
train-data-idx-truncated = the IDX file is truncated
train-data-idx-magic = not MNIST-format IDX files (expected magic numbers 2051 and 2049)
train-data-idx-counts = { $images } images but { $labels } labels
train-data-idx-header = the IDX header is absurd
train-data-images-short = the image file is shorter than its header says
train-data-labels-short = the label file is shorter than its header says
train-data-no-class-folders = { $dir } holds neither MNIST IDX files nor one folder of PNG images per class
train-data-image-size = { $file } is { $got }, but earlier images are { $earlier }: all images must share one size
train-data-no-png = no PNG image under { $dir }
train-data-palette = { $file }: palette images are not supported

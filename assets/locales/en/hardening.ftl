# Hardening: limits on untrusted input (files, arguments, packs, save files).

## Packs
hard-pack-id-too-long = the pack's id has { $len } characters: at most { $max } (progress files are named after it)
hard-pack-id-bad = the pack's id is empty or holds control characters
hard-lab-without-model = the question has a lab but the pack has no model to train
hard-costly-escapes = line { $line }: a string with so many escapes that reading it would take too long; write its line breaks as real line breaks
## Save files
hard-progress-not-a-file = the progress file is not a regular file
hard-progress-too-large = the progress file is too large ({ $bytes } bytes)
hard-repair-other-pack = the progress file was saved for the pack `{ $found }`: its answers that fit were kept
hard-repair-unknown-question = saved answers to question `{ $id }`, which this pack does not have, were set aside
hard-repair-answer-dropped = a saved answer to question `{ $id }` did not fit the question and was set aside
hard-repair-score-dropped = a saved score of question `{ $id }` was not a number between 0 and 1 and was set aside
hard-repair-hints-clamped = question `{ $id }` had more hints shown than it has
hard-lock-held = another mltutor (process { $pid }) has this pack open on the same data folder: close it first, or answers would overwrite each other
hard-lock-io = could not take the lock on the progress file: { $why }
## Local data sets
hard-data-not-a-file = { $path } is not a regular file
hard-data-over-budget = loading this data set would need { $needed } MiB, over the memory budget of { $budget } MiB
hard-data-too-few = { $count ->
    [one] only one sample: at least 2 are needed to keep one for validation
   *[other] only { $count } samples: at least 2 are needed to keep one for validation
}
## Training and bench settings
hard-setting-out-of-range = { $name } must be a number from { $min } to { $max }
hard-setting-epochs = --epochs
hard-setting-batch = --batch
hard-setting-lr = --lr
hard-setting-momentum = --momentum
hard-setting-weight-decay = weight decay
hard-setting-train-size = --train-size
hard-setting-val-size = --val-size
hard-setting-pixel-noise = --pixel-noise
hard-setting-label-noise = --label-noise
hard-setting-imbalance = --imbalance
hard-setting-duplication = --duplication
hard-setting-samples = --samples
hard-setting-runs = --runs
## Metrics
hard-metrics-write = could not write the metrics to { $path }: { $why }

# The command line: `mltutor inspect|check|answers|train|bench`.
cli-error = error: { $message }
cli-tui-failed = the terminal interface failed: { $why }
cli-at-least-one = { $flag } must be at least 1
cli-cannot-write = cannot write { $path }: { $why }

## check
cli-check-spec-ok = { $file }: ok — a model spec, `{ $model }`, { $parameters } parameters (questions about it go in a pack)
cli-check-spec-bad = { $file }: model `{ $model }` does not run: { $why }
cli-check-ok = { $file }: ok — { $questions } { $questions ->
    [one] question
   *[other] questions
}, { $models } { $models ->
    [one] model
   *[other] models
}

## inspect
cli-inspect-does-not-run = The input { $input } does not run through `{ $model }`:

## Choosing a model (--pack, --model)
cli-models-cannot-read = cannot read { $path }: { $why }
cli-models-empty = no model in the file
cli-models-no-such-model = no model `{ $id }`; available: { $available }

## train
cli-train-started = training { $model } on { $device }: { $train } training and { $val } validation samples, { $epochs } { $epochs ->
    [one] epoch
   *[other] epochs
} of { $steps } { $steps ->
    [one] step
   *[other] steps
}
cli-train-bar-steps = steps
cli-train-bar-eta = ETA
cli-train-bar-message = loss { $loss } · { $rate } samples/s
cli-train-epoch = epoch { $epoch }  train loss { $train_loss }  val loss { $val_loss }  val acc { $acc }  { $rate } samples/s
cli-train-done = done: { $epochs } { $epochs ->
    [one] epoch
   *[other] epochs
} in { $seconds } s, best validation loss { $best_loss } at epoch { $best_epoch }, final accuracy { $accuracy }, { $rate } samples/s

## bench
cli-bench-unknown-mode = unknown mode `{ $mode }`: use train or infer
cli-bench-profile-title = per training step, batch { $batch } ({ $model }):
cli-bench-run = run { $run }: { $rate } samples/s
cli-bench-model-on = model { $model } on { $device }
cli-import-note = note: { $note }
cli-import-does-not-run = the class does not run on the input { $input }: { $why }
    Give the shape of one sample with --input.

# Core: numbers and shapes as students type them, grading feedback, the answer key,
# pack checks, the inspect summary, progress and reports.

## Numbers typed by students
core-number-empty = no number given
core-number-unreadable = `{ $text }` is not a number I can read (write e.g. 53300, 53 300, 5.33e4 or x10)
core-number-bad-grouping = `{ $text }` mixes digit groups that are not groups of three
core-number-too-large = `{ $text }` is too large to be a meaningful answer

## Shapes typed by students
core-shape-accepted = Write a shape such as 3x40x40, 3×40×40, 3 x 40 x 40, (3, 40, 40), [3,40,40] or 3 40 40.
core-shape-empty = no shape given. { core-shape-accepted }
core-shape-not-a-number = `{ $text }` is not a whole number. { core-shape-accepted }
core-shape-malformed = `{ $text }` is not a shape. { core-shape-accepted }
core-shape-zero = a dimension of 0 holds no data: each dimension must be at least 1
core-shape-too-large = `{ $text }` is far too large for a dimension (at most { $max })
core-shape-rank = { $n } dimensions given: a sample has 1 to { $max } (e.g. 3x40x40)

## Why an answer could not be graded
core-unreadable-steps = the steps must each be placed once
core-order-not-answered = Not answered: the steps are still in the order first shown. Move them into the right order, then submit.
core-unreadable-wrong-kind = this answer does not suit the question
core-unreadable-model = model `{ $model }` is unavailable
core-unreadable-computation = the computation failed: { $why }
core-unreadable-ambiguous = “{ $text }”: did you mean { $grouped } or { $decimal }? Write it without the dot (or with a comma between thousands) or as a decimal you mean.
core-unreadable-grouping = “{ $text }”: did you mean { $grouped }? Write it without dots between thousands.
core-unreadable-no-text = write your answer first: an empty answer cannot be compared with the reference
core-compute-no-layer = no layer named `{ $layer }` in model `{ $model }`
core-evidence-failed = evidence: { $why }

## Verdicts and feedback
core-verdict-correct = Correct
core-verdict-partial = Partly right
core-verdict-wrong = Wrong
core-first-try = First try: { $score } · { $attempts ->
    [one] 1 graded try
   *[other] { $attempts } graded tries
}
core-first-try-short = first { $score }, { $attempts ->
    [one] 1 try
   *[other] { $attempts } tries
}
core-feedback-unreadable = Could not read the answer: { $why }
core-feedback-key-points = Key points covered: { $ticked }/{ $total }
core-feedback-missed = ○ Missed: { $option }
core-feedback-accepted = ✓ Accepted: { $got }
core-feedback-number-wrong = ✗ You gave { $got } — expected { $expected }
core-feedback-in-order = Steps in the right order: { $in_order }/{ $total }
core-feedback-first-misplaced = First misplaced: at position { $pos } you put “{ $put }”; it should be “{ $should }”.
core-feedback-count-right = ✓ { $shown } { $count ->
    [one] parameter
   *[other] parameters
}
core-feedback-count-wrong = ✗ You gave { $got } — the model has { $total } (off by { $off })
core-feedback-batch-dimension = Note: the first { $batch } is the batch dimension; PyTorch runs it as a batch of samples of shape { $sample }, the shape asked for.
core-slip-bias-of-bias-free = That is the count with a bias for { $layer } ({ $bias } values), but { $layer } is built with bias=False: it has no bias.
core-slip-bias-forgotten = That is the count without { $layer }'s bias: { $layer } has a bias of { $bias } values (one per output).
core-slip-all-biases = That is the count without any bias: the biases add { $biases } parameters (one per output of each layer that has one).
core-slip-buffers = That counts the running statistics ({ $buffers } values): they are buffers, not parameters (PyTorch's parameters() leaves them out).
core-feedback-has-parameters = { $option } has { $shown } { $count ->
    [one] parameter
   *[other] parameters
}: it is not parameter-free.
core-feedback-counted = Counted from candle's tensors:
core-feedback-total = total
core-feedback-shape-wrong = ✗ You gave { $got } — the forward pass gives { $expected }
core-feedback-runs = ✓ { $input }: the model runs. Shapes from candle's forward pass:
core-feedback-breaks = ✗ { $input }: the model does not run.

## The answer key
core-key-title = { $title } — answer key
core-key-question = Question { $number } — { $title }
core-key-any = Any { $n }:
core-key-range = { $min } to { $max }
core-key-model-did-not-run = model `{ $model }` did not run
core-key-count = { $total } (computed with candle: { $parts })
core-key-input = { $shape } (for example: any input the network runs on is accepted)
core-key-evidence = Evidence (random x, weights initialised as PyTorch does):
core-key-evidence-sum = Σ wᵢxᵢ + b (term by term) = { $terms } + … ({ $n } terms) + ({ $b }) = { $sum }

## Teachers' stated answers against the computation
core-disagree-count = the teacher expects { $expected }, but the model has { $total } parameters ({ $parts })
core-disagree-unknown-layer = the expected layer `{ $layer }` is not in the model ({ $options })
core-disagree-free = the expected parameter-free layers disagree with the model: { $case ->
    [both] { $wrong } have parameters; { $missing } also have none
    [wrong] { $wrong } have parameters
   *[missing] { $missing } also have none
}
core-disagree-unreadable-shape = expected shape `{ $text }`: { $why }
core-disagree-shape = the teacher expects { $expected }, but the model gives { $got }
core-disagree-input = the teacher's input { $input } does not run: { $why }
core-disagree-unsuited = `expected` does not suit the question asked ({ $ask })

## Pack checks (`mltutor check`)
core-check-question = question `{ $question }`: { $problem }
core-check-known = { $count ->
    [0] (the pack defines no models)
   *[other] (known: { $known })
}
core-check-no-questions = the pack has no questions
core-check-model-id-twice = model id `{ $id }` is used twice
core-check-model-does-not-run = model `{ $model }` does not run on its own input: { $why }
core-check-empty-id = the id is empty
core-check-id-twice = this id is used by another question
core-check-empty-statement = the statement is empty
core-check-unknown-code-model = code refers to unknown model `{ $model }` { $known }
core-check-unknown-evidence-model = evidence refers to unknown model `{ $model }` { $known }
core-check-no-reference = an open question needs a reference answer
core-check-few-options = a choice needs at least two options
core-check-no-correct-option = a choice with no correct option
core-check-need-out-of-range = `{ $field }` must be between 1 and the { $correct } correct options
core-check-single-many-correct = a single-answer choice has { $correct } correct options: set `{ $field }` or keep one
core-check-bad-numeric-value = a numeric value must be finite with non-negative tolerances
core-check-bad-numeric-range = a numeric range needs min ≤ max (got { $min } to { $max })
core-check-few-steps = an order question needs at least two steps
core-check-unknown-model = unknown model `{ $model }` { $known }
core-check-uses-broken-model = uses model `{ $model }`, which does not run (see above)

## Loading packs
core-pack-the-pack = the pack
core-pack-cannot-read = { $file }: cannot read: { $why }
core-pack-unsupported-version = unsupported pack version { $found }: this mltutor reads version { $supported }
core-pack-no-version = the pack has no `version` field: add `{ $field }`
core-pack-unknown-builtin = unknown built-in model `{ $id }` (built in: { $builtins })
core-pack-did-you-mean = {" "}(did you mean `{ $name }`?)
core-pack-unknown-field = unknown field `{ $found }`{ $suggestion }; expected one of: { $expected }
core-pack-unknown-variant = unknown variant `{ $found }`{ $suggestion }; expected one of: { $expected }
core-pack-checked-after-fixes = the rest of the file is checked once the errors above are fixed

## The inspect summary (column headings and totals)
core-inspect-engine = candle could not run the model: { $why }
core-summary-title = Model { $model } ({ $class }): input { $input } per sample, batch of { $batch }
core-summary-layer = Layer
core-summary-type = Type
core-summary-output-shape = Output shape
core-summary-params = Params
core-summary-mult-adds = Mult-adds
core-summary-total-params = Total parameters:
core-summary-trainable = Trainable:
core-summary-non-trainable = Non-trainable:
core-summary-buffers = { $n } (BatchNorm running statistics: buffers)
core-summary-mult-adds-total = Mult-adds:
core-summary-param-memory = Parameter memory:
core-summary-activation-memory = Activation memory:
core-summary-activations = { $bytes } (forward pass, batch of { $batch })
core-summary-without-params = Without parameters:

## Progress and reports
core-progress-unknown-mode = unknown mode `{ $mode }`: use self-check or exam
core-progress-not-moved = { $why }; could not move it aside: { $error }
core-report-title = # { $title } — report
core-report-intro = Pack `{ $pack }` ({ $language }), { $mode } mode, time { $time }.
core-report-mode-exam = exam
core-report-mode-self-check = self-check
core-report-header = | Question | Title | Answered | Score | Hints |
core-report-yes = yes
core-report-no = no
core-report-self-rated = { $score } (self-rated)
core-report-total = **Total: { $total } / { $out_of }**

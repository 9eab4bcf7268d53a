# The terminal interface's screens (src/tui/view/).

## The frame

view-too-small = Terminal too small: { $width }x{ $height }. mltutor needs at least { $min_width }x{ $min_height }: enlarge the window (q quits).
view-mode-self-check = self-check
view-mode-exam = exam
view-header-answered = answered { $done }/{ $total }
view-header-score = score { $score }/{ $total }
view-header-submitted = submitted
view-header-clock = ⏱ { $time }

## Confirmation popup

view-confirm-quit = Quit? Text you typed but did not submit is kept as a draft.
view-confirm-reset-question = Erase your answer to this question?
view-confirm-reset-all = Erase every answer of this pack?
view-confirm-submit = Submit the exam? Answers can no longer change.
view-confirm-keys = y: yes   any other key: no

## Question list (and the report's rows)

view-list-title = Questions
view-state-computing = computing…
view-state-unanswered = unanswered
view-state-answered = answered
view-state-to-rate = to rate
# $verdict: correct, partial or wrong; $score: a percentage.
view-state-graded = { $verdict } ({ $score })
view-list-mode-self-check = Self-check mode: feedback and the worked correction after each answer. Retry at will.
view-list-mode-exam = Exam mode: no feedback until you submit (s). Then your score and a report.

## Question screen

view-statement-heading = Question { $number } — { $title }
view-hint = Hint { $index }/{ $count }: { $text }
view-open-empty = (press Enter to write your answer)
view-open-reference = Reference: { $text }
view-open-tick = Tick the key points your answer covers:
view-field-empty = (press Enter to type your answer)
view-field-unit = unit: { $unit }
view-field-shape-examples = e.g. 3x40x40, (3, 40, 40), 3 40 40
view-feedback-running = Running the model…
view-feedback-verdict = { $verdict } — { $score }
view-feedback-correction = Correction
view-pane-statement = Statement { $index }/{ $count }
view-pane-model-key = Tab: model
view-pane-answer = Your answer
view-pane-hints = hints { $shown }/{ $count }
view-pane-hints-title = Hints { $shown }/{ $count }
view-pane-feedback = Feedback
view-pane-model = Model (live)

## Model panel

view-model-unavailable = model `{ $model }` unavailable
view-model-type-shape = Type a shape: the network runs on it as you type.
view-model-runs = ✓ runs:
view-model-breaks = ✗ breaks:
view-model-col-layer = layer
view-model-col-output = output
view-model-col-params = params
view-model-total = total
view-model-mult-adds = mult-adds: { $n }
view-model-buffers = buffers (not parameters): { $n }
view-model-computed-with = (computed with candle)

## Exam report

view-report-title = Exam report
view-report-total = Total: { $score } / { $count }   (time { $time })
view-report-self-rated = (self-rated)
view-report-written = Report written to { $path }
view-report-and = and { $path }
view-report-writing = Writing the report…

## Training lab

view-lab-title-train = Training lab
view-lab-title-validation = Validation lab: watch the validation loss turn up (overfitting)
view-lab-title-speedup = Speed-up lab: samples per second on each device
view-lab-title-data-quality = Data-quality lab: a clean set beside a flawed one
view-lab-settings = Settings
view-lab-model = model: { $model }
view-lab-epoch-gauge = epoch { $epoch }/{ $epochs }
view-lab-batch-gauge = batch · { $rate } samples/s
view-lab-eta = ETA { $time }
view-lab-speedup = GPU speed-up: ×{ $ratio }
view-lab-no-cuda = This build has no CUDA, so only the CPU is measured. On a GPU the matrix products of the convolutions run on thousands of cores: for a ResNet, expect 10 to 100 times more samples per second (question 6); for a model this small, less, as sampling batches and launching kernels take their share.
view-lab-run-best = best epoch { $epoch } · acc. { $accuracy }
# $stopped: yes when the run was stopped before its end.
view-lab-run-speed = { $seconds } s · { $rate } samples/s{ $stopped ->
        [yes] {" "}(stopped)
       *[no] {""}
    }
view-lab-run-last = val { $loss } · { $accuracy }

## Lab charts

view-chart-loss = Loss
view-chart-loss-log = Loss (log scale)
view-chart-epoch = epoch
view-chart-empty = Press s to start a run: the curves appear here as it trains.
view-chart-accuracy = Validation accuracy (%)
view-chart-train = { $run } train
view-chart-val = { $run } val
view-chart-val-acc = { $run } val acc

# The terminal interface (src/tui): status messages, the training lab, the help popup.
# Key names and what each key does are in the second half (ids `key-…`): the footer and
# the `?` help are drawn from src/tui/keymap.rs with these.

## Status line
tui-exam-frozen = The exam is submitted: answers can no longer change.
tui-type-first = Type an answer first.
# $space and $enter: the names of the keys.
tui-compare-reference = Compare with the reference: { $space } ticks a point covered, { $enter } records.
# $key: the key that submits the exam on the list.
tui-answer-saved = Answer saved. Feedback comes when you submit the exam ({ $key } on the list).
tui-no-more-hints = No more hints.
tui-question-reset = Question reset.
tui-all-reset = All answers were reset.
tui-save-failed = Could not save progress: { $why }
tui-export-failed = Could not write the report: { $why }
tui-time-up = Time is up: the exam was submitted.
# $key: the key that continues on the list.
tui-welcome-back = Welcome back: your answers were restored ({ $key } continues).
tui-progress-moved-aside = The saved progress could not be read and was moved aside to { $path } ({ $why })

## Training lab
tui-lab-no-model = this pack has no model to train
tui-lab-field-error = { $field }: { $why }
tui-lab-out-of-range = { $field } must be between { $lo } and { $hi }
tui-lab-bad-optimizer = `{ $text }`? use sgd or adamw
tui-lab-bad-device = `{ $text }`? use cpu or cuda
tui-lab-no-cuda = device: this build has no CUDA (cargo build --release --features cuda); use cpu
tui-lab-run-clean = clean
tui-lab-run-flawed = flawed
tui-lab-run-n = run { $n }
tui-lab-stopping = stopping…
tui-lab-field-epochs = epochs
tui-lab-field-batch = batch size
tui-lab-field-lr = learning rate
tui-lab-field-optimizer = optimizer
tui-lab-field-train-size = training samples
tui-lab-field-pixel-noise = pixel noise
tui-lab-field-label-noise = label noise
tui-lab-field-balance = balance
tui-lab-field-duplication = duplication
tui-lab-field-device = device

## The ? help
tui-help-title = Keys
tui-help-mouse = mouse: a click opens a question, the wheel scrolls
# $first and $second: the names of two keys that close the help.
tui-help-closes = { $first } or { $second } closes this help

# A key and what it does, as a dialog lists them.
tui-key-and-action = { $keys }: { $what }

## Key names
key-name-enter = Enter
key-name-esc = Esc
key-name-tab = Tab
key-name-backtab = Shift+Tab
key-name-backspace = Backspace
key-name-delete = Delete
key-name-home = Home
key-name-end = End
key-name-page-up = PageUp
key-name-page-down = PageDown
key-name-space = Space
key-name-ctrl = Ctrl+{ $key }
key-name-alt = Alt+{ $key }
# What can be typed into a lab setting.
key-name-characters = 0-9 .
key-name-any = any other key

## What keys do
key-help = help
key-quit = quit
key-move = move
key-first = first question
key-last = last question
key-open-question = open the question
key-continue = continue where you left off
key-submit-exam = submit the exam
key-report = report
key-lab = training lab
key-reset-all = reset the whole pack
key-select = select
key-submit = submit
key-move-step = move the step up/down
key-tick = tick a key point
key-record-rating = record my rating
key-edit-answer = edit my answer
key-reveal = reveal the reference
key-type-answer = type the answer
key-hint = hint
key-next-pane-scroll = next pane (↑↓ scroll)
key-previous-pane = previous pane
key-scroll = scroll the pane
key-next-prev-question = next/previous question
key-reset-question = reset this question
key-question-list = question list
key-new-line = new line
key-stop-typing = stop typing
key-next-pane = next pane
key-type = type
key-erase-back = erase the character before the cursor
key-erase = erase the character under the cursor
key-cursor = move the cursor
key-line-start = start of the line
key-line-end = end of the line
key-clear-to-start = erase to the line start
key-delete-word = erase the previous word
key-review-question = review the question
key-choose-setting = choose a setting
key-edit-switch = edit / switch
key-switch = switch the value
key-stop-run = stop the run
key-start-training = start training
key-clear-curves = clear the curves
key-log-scale = log scale
key-back = back
key-type-value = type the value
key-done = done
key-yes = yes
key-no = no
key-close-help = close this help

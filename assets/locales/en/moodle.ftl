moodle-at = line { $line }, column { $column }: { $why }
moodle-unclosed-brace = this `{"{"}` has no `{"}"}` to close it (a literal brace is written `\{"{"}`)
moodle-stray-brace = a `{"}"}` with no `{"{"}` before it (a literal brace is written `\{"}"}`)
moodle-expected-answer = an answer starts with `=` or `~`, not “{ $text }”
moodle-bad-weight = the weight “{ $text }” is not a percentage from -100 to 100
moodle-bad-number = “{ $text }” is not a number, a value with its tolerance, or a `min..max` range
moodle-bad-pair = a matching pair is written `=question -> answer`, not “{ $text }”
moodle-mixed-answers = answers of several kinds in one question
moodle-unknown-format = unknown text format “{ $text }” (moodle, html, markdown or plain)
moodle-two-blocks = a second answer block in one question (separate questions with a blank line)
moodle-xml = not well-formed XML: { $text }
moodle-unknown-type = a question of type “{ $text }”, which mltutor cannot read: left out
moodle-missing = { $text } is missing
moodle-too-many = more than { $max } questions in one file

# The new question kinds (short answer, matching, description, credits).
moodle-feedback-accepted = ✓ “{ $answer }” accepted: { $credit } of the mark
moodle-feedback-not-accepted = ✗ “{ $got }” is not an accepted answer (one is “{ $best }”)
moodle-feedback-matched-wrong = ✗ { $left } → { $chosen } (the match is { $right })
moodle-feedback-matched-none = ✗ { $left } → nothing chosen (the match is { $right })
moodle-feedback-nothing = text only: nothing to answer
moodle-how-matched = { $right } of { $total } pairs matched
moodle-check-no-full-credit = no accepted answer earns full credit (credit 100)
moodle-check-bad-credit = a credit of { $credit } % is outside -100 to 100
moodle-check-few-pairs = a matching question needs at least two pairs with a left item

# Bank ↔ pack conversion: what a format cannot say, listed.
moodle-true = True
moodle-false = False
moodle-variant-name = { $name } (variant { $variant })
moodle-variant-category = { $category }/variant { $variant }
moodle-note-of = { $question }: { $what }
moodle-note-skipped = { $why }
moodle-note-html = HTML text kept as written (the tags show in mltutor)
moodle-note-best-raised = no answer earned full credit: the best one ({ $fraction }) is the target, at full credit
moodle-note-no-reference = an essay without general feedback: its `reference` is empty, write one before `check`
moodle-note-hints = { $n ->
    [one] its hint is not exported (Moodle's formats have no place for it)
   *[other] its { $n } hints are not exported (Moodle's formats have no place for them)
}
moodle-note-lab = its training lab is not exported
moodle-note-evidence = its live evidence panel is not exported
moodle-note-tags = its tags are not exported
moodle-note-unit = its unit “{ $unit }” is not exported (write it in the statement)
moodle-note-key-points = its key points are written in the general feedback
moodle-note-relative = its relative tolerance is written as ± { $tolerance }
moodle-note-order = an order question, written as a matching of positions to steps (credit per step in place)
moodle-note-frozen = computed answer frozen: { $value }
moodle-note-input-shape = Moodle accepts the model's own input shape only (mltutor accepts any input that runs)
moodle-note-code = the model's PyTorch code is added to the text (Markdown)
moodle-note-not-computed = not exported: its answer could not be computed ({ $why })
moodle-note-weights = its “need” is written as Moodle weights (each right pick 1/need of the mark)

# The import-gift, import-moodle-xml and export commands.
moodle-cli-note = note: { $note }
moodle-cli-error = { $at }: { $why }
moodle-cli-written = written: { $file }
moodle-cli-imported = { $n } questions imported; { $left ->
    [0] nothing left to note
    [one] 1 note above
   *[other] { $left } notes above
}
moodle-cli-variants = --variants { $n }: give 1 to { $max } variants

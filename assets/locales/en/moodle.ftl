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

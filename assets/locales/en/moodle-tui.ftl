# The question screen for the kinds Moodle brought (short answer, matching, description).
moodle-key-match-next = next match
moodle-key-match-previous = previous match
moodle-tui-match-how = Pick a match for each item (Space: next, K: previous):
moodle-tui-description = Text only: nothing to answer. Enter marks it read.

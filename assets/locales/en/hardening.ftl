# Hardening: limits on untrusted input (files, arguments, packs, save files).

## Packs
hard-pack-id-too-long = the pack's id has { $len } characters: at most { $max } (progress files are named after it)
hard-pack-id-bad = the pack's id is empty or holds control characters
hard-lab-without-model = the question has a lab but no model a lab can train (give it `code` or make it a computed question)
hard-costly-escapes = line { $line }: a string with so many escapes that reading it would take too long; write its line breaks as real line breaks

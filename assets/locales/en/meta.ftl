# The language itself: its name and how it writes numbers.
language-name = English
number-thousands-separator = ,
number-decimal-separator = .
format-percent = { $n }%

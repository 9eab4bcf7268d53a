# La langue elle-même : son nom et sa façon d’écrire les nombres.
language-name = Français
# Espace fine insécable entre les milliers.
number-thousands-separator = { "\u202F" }
number-decimal-separator = ,
format-percent = { $n } %

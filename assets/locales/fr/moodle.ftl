moodle-at = ligne { $line }, colonne { $column } : { $why }
moodle-unclosed-brace = cette `{"{"}` n’est pas refermée par une `{"}"}` (une accolade littérale s’écrit `\{"{"}`)
moodle-stray-brace = une `{"}"}` sans `{"{"}` avant elle (une accolade littérale s’écrit `\{"}"}`)
moodle-expected-answer = une réponse commence par `=` ou `~`, pas par « { $text } »
moodle-bad-weight = le poids « { $text } » n’est pas un pourcentage entre -100 et 100
moodle-bad-number = « { $text } » n’est ni un nombre, ni une valeur avec sa tolérance, ni un intervalle `min..max`
moodle-bad-pair = une paire d’appariement s’écrit `=question -> réponse`, pas « { $text } »
moodle-mixed-answers = des réponses de plusieurs sortes dans une même question
moodle-unknown-format = format de texte inconnu « { $text } » (moodle, html, markdown ou plain)
moodle-two-blocks = un second bloc de réponses dans une même question (séparez les questions par une ligne vide)
moodle-xml = XML mal formé : { $text }
moodle-unknown-type = une question de type « { $text } », que mltutor ne sait pas lire : laissée de côté
moodle-missing = { $text } manque
moodle-too-many = plus de { $max } questions dans un même fichier

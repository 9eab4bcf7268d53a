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

# Les nouveaux types de questions (réponse courte, appariement, description, crédits).
moodle-feedback-accepted = ✓ « { $answer } » acceptée : { $credit } de la note
moodle-feedback-not-accepted = ✗ « { $got } » n'est pas une réponse acceptée (l'une d'elles est « { $best } »)
moodle-feedback-matched-wrong = ✗ { $left } → { $chosen } (l'appariement juste est { $right })
moodle-feedback-matched-none = ✗ { $left } → rien de choisi (l'appariement juste est { $right })
moodle-feedback-nothing = texte seul : rien à répondre
moodle-how-matched = { $right } paires justes sur { $total }
moodle-check-no-full-credit = aucune réponse acceptée ne donne toute la note (credit 100)
moodle-check-bad-credit = un crédit de { $credit } % sort de -100 à 100
moodle-check-few-pairs = une question d'appariement demande au moins deux paires avec un élément à gauche

# Conversion banque ↔ pack : ce qu'un format ne peut pas dire, listé.
moodle-true = Vrai
moodle-false = Faux
moodle-variant-name = { $name } (variante { $variant })
moodle-variant-category = { $category }/variante { $variant }
moodle-note-of = { $question } : { $what }
moodle-note-skipped = { $why }
moodle-note-html = texte HTML gardé tel quel (les balises s'affichent dans mltutor)
moodle-note-best-raised = aucune réponse ne donnait toute la note : la meilleure ({ $fraction }) est la cible, avec toute la note
moodle-note-no-reference = une composition sans feedback général : sa `reference` est vide, écrivez-en une avant `check`
moodle-note-hints = { $n ->
    [one] son indice n'est pas exporté (les formats de Moodle n'ont pas de place pour lui)
   *[other] ses { $n } indices ne sont pas exportés (les formats de Moodle n'ont pas de place pour eux)
}
moodle-note-lab = son labo d'entraînement n'est pas exporté
moodle-note-evidence = son panneau de preuve en direct n'est pas exporté
moodle-note-tags = ses étiquettes ne sont pas exportées
moodle-note-unit = son unité « { $unit } » n'est pas exportée (écrivez-la dans l'énoncé)
moodle-note-key-points = ses points clés sont écrits dans le feedback général
moodle-note-relative = sa tolérance relative est écrite ± { $tolerance }
moodle-note-order = une question d'ordre, écrite comme un appariement de positions à des étapes (note par étape à sa place)
moodle-note-frozen = réponse calculée figée : { $value }
moodle-note-input-shape = Moodle n'accepte que la forme d'entrée du modèle lui-même (mltutor accepte toute entrée qui passe)
moodle-note-code = le code PyTorch du modèle est ajouté au texte (Markdown)
moodle-note-not-computed = non exportée : sa réponse n'a pas pu être calculée ({ $why })
moodle-note-weights = son « need » est écrit en poids Moodle (chaque bon choix vaut 1/need de la note)

# Les commandes import-gift, import-moodle-xml et export.
moodle-cli-note = remarque : { $note }
moodle-cli-error = { $at } : { $why }
moodle-cli-written = écrit : { $file }
moodle-cli-imported = { $n } questions importées ; { $left ->
    [0] rien à signaler
    [one] 1 remarque ci-dessus
   *[other] { $left } remarques ci-dessus
}
moodle-cli-variants = --variants { $n } : donnez de 1 à { $max } variantes

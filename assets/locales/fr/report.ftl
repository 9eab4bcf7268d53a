# Rapports d'examen comme preuves, `mltutor grade` et `mltutor results`.

## Lecture d'un rapport
report-error-io = { $path } : { $why }
report-error-too-large = le fichier fait { $size } octets, plus que les { $limit } permis
report-error-json = ce n'est pas un rapport (JSON, ligne { $line }, colonne { $col }) : { $why }
report-error-schema = le schéma de rapport { $found } n'est pas pris en charge (ce mltutor lit le schéma { $supported })
report-error-invalid = champ `{ $field }` : { $why }
report-invalid-time = pas une heure RFC 3339 en UTC (par exemple 2024-11-22T09:15:00Z)
report-invalid-too-many = plus de { $max } éléments
report-invalid-points = pas un nombre de points supérieur à 0 et d'au plus { $max }
report-invalid-score = pas un nombre entre 0 et les points de la question
report-invalid-duration = plus de dix ans
report-invalid-out-of-sum = pas la somme des points des questions
report-invalid-total = pas un nombre entre 0 et les points de l'épreuve

## Comment la note a été calculée
report-to-grade = à noter
report-how-to-grade = à noter par l'enseignant
report-how-teacher = notée par l'enseignant
report-how-unanswered = sans réponse
report-how-unreadable = illisible : { $why }
report-how-key-points = auto-évaluée : { $ticked } point(s) clé(s) sur { $total }
report-how-choices = { $right } { $right ->
    [one] option correcte
   *[other] options correctes
} sur { $needed }, { $wrong } { $wrong ->
    [one] fausse
   *[other] fausses
}
report-how-number-right = { $got } accepté
report-how-number-wrong = { $got }, attendu { $expected }
report-how-order = { $in_order } étapes sur { $total } dans l'ordre
report-how-count = calculé : { $total } paramètres comptés sur le modèle
report-how-shape-right = calculé : forme de sortie { $shape } d'après le modèle
report-how-shape-wrong = calculé : forme de sortie { $expected } d'après le modèle, réponse { $got }
report-how-runs = le modèle tourne sur { $input }
report-how-breaks = le modèle échoue sur { $input }

## Le rapport Markdown
report-md-student = Étudiant : { $student }
report-md-times = Début { $started }, fin { $ended } (UTC)
report-md-pack = Pack `{ $pack }` ({ $language }), SHA-256 { $hash }
report-md-version = mltutor { $version }, mode { $mode }
report-md-header = | Question | Titre | Note | Calcul | Indices | Durée |
report-md-total = **Total : { $total } / { $out_of }**{ $to_grade ->
    [0] {""}
    [one] {" "}(1 question à noter)
   *[other] {" "}({ $to_grade } questions à noter)
}
report-md-answers = ## Réponses
report-md-question = ### { $number }. { $title } — { $score }
report-md-no-answer = *Sans réponse.*
report-md-attempt = Essai { $n } :

## Le fichier de notes de l'enseignant
grade-file-line = ligne { $line } : { $why }
grade-file-header = la première ligne doit être `student,question,score`, pas `{ $found }`
grade-file-fields = { $found } champs au lieu de 3 (student, question, score)
grade-file-quote = un champ entre guillemets n'est pas fermé, ou du texte suit le guillemet fermant
grade-file-score = `{ $text }` n'est pas une note
grade-file-range = la note { $score } n'est pas entre 0 et { $out_of }
grade-file-empty-student = pas de nom d'étudiant
grade-file-unknown-question = le pack n'a pas de question `{ $id }`
grade-file-not-open = la question `{ $id }` est notée d'après sa réponse, pas par l'enseignant
grade-file-duplicate = cet étudiant et cette question ont déjà une note à la ligne { $first }
grade-file-ron = { $why }

## mltutor grade
grade-report = { $file } : { $student } — { $total } / { $out_of }{ $to_grade ->
    [0] {""}
   *[other] , { $to_grade } à noter
}
grade-self-check = pas un rapport d'examen (il dit auto-évaluation) : noté comme un examen, les réponses ouvertes par l'enseignant
grade-hash-mismatch = passé sur une autre version du pack (rapport { $report }…, pack { $pack }…)
grade-unknown-question = la question `{ $id }` n'est pas dans le pack
grade-edited = question { $number } : enregistrée { $stored }, recorrigée { $regraded } (modifiée ?)
grade-total-edited = le total enregistré { $total } n'est pas la somme des notes enregistrées (modifié ?)
grade-written = rapport recorrigé écrit : { $json }, { $md }
grade-summary = { $reports ->
    [one] 1 rapport
   *[other] { $reports } rapports
}, { $flagged } signalé(s), { $unusable } inutilisable(s).

## mltutor results
results-title = { $title } — { $students ->
    [one] 1 étudiant
   *[other] { $students } étudiants
}
results-stored = Notes telles qu'enregistrées dans les rapports (non recorrigées).
results-col-question = Question
results-col-facility = Facilité
results-col-discrimination = Discrimination
results-col-n = n
results-histogram = Répartition des totaux (sur { $out_of }) :
results-wrong = Réponses fausses les plus fréquentes (questions calculées) :
results-wrong-line = { $number } : { $answers }
results-wrong-item = `{ $answer }` × { $count }
results-csv-written = Carnet de notes écrit : { $path }
results-other-pack = { $file } : le pack `{ $pack }` est un autre examen ; laissé de côté
results-empty = { $dir } ne contient aucun rapport utilisable

# Cœur : nombres et formes tels que les élèves les tapent, retours de correction, corrigé,
# vérification des packs, résumé d'inspect, progression et rapports.

## Nombres tapés par les élèves
core-number-empty = aucun nombre donné
core-number-unreadable = `{ $text }` n'est pas un nombre que je sais lire (écrivez par ex. 53300, 53 300, 5.33e4 ou x10)
core-number-bad-grouping = `{ $text }` mêle des groupes de chiffres qui ne sont pas des groupes de trois
core-number-too-large = `{ $text }` est trop grand pour être une réponse sensée

## Formes tapées par les élèves
core-shape-accepted = Écrivez une forme comme 3x40x40, 3×40×40, 3 x 40 x 40, (3, 40, 40), [3,40,40] ou 3 40 40.
core-shape-empty = aucune forme donnée. { core-shape-accepted }
core-shape-not-a-number = `{ $text }` n'est pas un nombre entier. { core-shape-accepted }
core-shape-malformed = `{ $text }` n'est pas une forme. { core-shape-accepted }
core-shape-zero = une dimension de 0 ne contient aucune donnée : chaque dimension vaut au moins 1
core-shape-too-large = `{ $text }` est bien trop grand pour une dimension (au plus { $max })
core-shape-rank = { $n } dimensions données : un échantillon en a de 1 à { $max } (par ex. 3x40x40)

## Pourquoi une réponse n'a pas pu être corrigée
core-unreadable-steps = chaque étape doit être placée une fois
core-order-not-answered = Pas de réponse : les étapes sont encore dans l'ordre du début. Remettez-les dans le bon ordre, puis validez.
core-unreadable-wrong-kind = cette réponse ne convient pas à la question
core-unreadable-model = le modèle `{ $model }` est indisponible
core-unreadable-computation = le calcul a échoué : { $why }
core-unreadable-ambiguous = « { $text } » : vouliez-vous dire { $grouped } ou { $decimal } ? Écrivez-le sans point (ou avec une espace entre les milliers), ou comme le décimal voulu.
core-unreadable-grouping = « { $text } » : vouliez-vous dire { $grouped } ? Écrivez-le sans point entre les milliers.
core-unreadable-no-text = écrivez d'abord votre réponse : une réponse vide ne peut pas être comparée à la référence
core-compute-no-layer = aucune couche nommée `{ $layer }` dans le modèle `{ $model }`
core-evidence-failed = preuve : { $why }

## Verdicts et retours
core-verdict-correct = Juste
core-verdict-partial = Partiellement juste
core-verdict-wrong = Faux
core-first-try = Premier essai : { $score } · { $attempts ->
    [one] 1 essai noté
   *[other] { $attempts } essais notés
}
core-first-try-short = 1er essai { $score }, { $attempts ->
    [one] 1 essai
   *[other] { $attempts } essais
}
core-feedback-unreadable = Réponse illisible : { $why }
core-feedback-key-points = Points clés couverts : { $ticked }/{ $total }
core-feedback-missed = ○ Oublié : { $option }
core-feedback-accepted = ✓ Accepté : { $got }
core-feedback-number-wrong = ✗ Vous avez donné { $got } — attendu { $expected }
core-feedback-in-order = Étapes dans le bon ordre : { $in_order }/{ $total }
core-feedback-first-misplaced = Première erreur : en position { $pos } vous avez mis « { $put } » ; il fallait « { $should } ».
core-feedback-count-right = ✓ { $shown } { $count ->
    [one] paramètre
   *[other] paramètres
}
core-feedback-count-wrong = ✗ Vous avez donné { $got } — le modèle en a { $total } (écart de { $off })
core-feedback-batch-dimension = Remarque : le premier { $batch } est la dimension du lot ; PyTorch l'exécute comme un lot d'échantillons de forme { $sample }, la forme demandée.
core-slip-bias-of-bias-free = C'est le compte avec un biais pour { $layer } ({ $bias } valeurs), mais { $layer } est construit avec bias=False : il n'a pas de biais.
core-slip-bias-forgotten = C'est le compte sans le biais de { $layer } : { $layer } a un biais de { $bias } valeurs (une par sortie).
core-slip-all-biases = C'est le compte sans aucun biais : les biais ajoutent { $biases } paramètres (un par sortie de chaque couche qui en a).
core-slip-buffers = Ce compte inclut les statistiques courantes ({ $buffers } valeurs) : ce sont des tampons, pas des paramètres (parameters() de PyTorch les laisse de côté).
core-feedback-has-parameters = { $option } a { $shown } { $count ->
    [one] paramètre
   *[other] paramètres
} : ce n'est pas une opération sans paramètres.
core-feedback-counted = Comptés sur les tenseurs de candle :
core-feedback-total = total
core-feedback-shape-wrong = ✗ Vous avez donné { $got } — la passe avant donne { $expected }
core-feedback-runs = ✓ { $input } : le modèle tourne. Formes de la passe avant de candle :
core-feedback-breaks = ✗ { $input } : le modèle ne tourne pas.

## Le corrigé
core-key-title = { $title } — corrigé
core-key-question = Question { $number } — { $title }
core-key-any = Au choix { $n } :
core-key-range = { $min } à { $max }
core-key-model-did-not-run = le modèle `{ $model }` n'a pas tourné
core-key-count = { $total } (calculé avec candle : { $parts })
core-key-input = { $shape } (par exemple : toute entrée sur laquelle le réseau tourne est acceptée)
core-key-evidence = Preuve (x aléatoire, poids initialisés comme PyTorch) :
core-key-evidence-sum = Σ wᵢxᵢ + b (terme à terme) = { $terms } + … ({ $n } termes) + ({ $b }) = { $sum }

## Réponses annoncées par l'enseignant face au calcul
core-disagree-count = l'enseignant attend { $expected }, mais le modèle a { $total } paramètres ({ $parts })
core-disagree-unknown-layer = la couche attendue `{ $layer }` n'est pas dans le modèle ({ $options })
core-disagree-free = les couches sans paramètres attendues ne correspondent pas au modèle : { $case ->
    [both] { $wrong } ont des paramètres ; { $missing } n'en ont pas non plus
    [wrong] { $wrong } ont des paramètres
   *[missing] { $missing } n'en ont pas non plus
}
core-disagree-unreadable-shape = forme attendue `{ $text }` : { $why }
core-disagree-shape = l'enseignant attend { $expected }, mais le modèle donne { $got }
core-disagree-input = l'entrée { $input } de l'enseignant ne passe pas : { $why }
core-disagree-unsuited = `expected` ne convient pas à la question posée ({ $ask })

## Vérification des packs (`mltutor check`)
core-check-question = question `{ $question }` : { $problem }
core-check-known = { $count ->
    [0] (le pack ne définit aucun modèle)
   *[other] (connus : { $known })
}
core-check-no-questions = le pack n'a aucune question
core-check-model-id-twice = l'identifiant de modèle `{ $id }` est utilisé deux fois
core-check-model-does-not-run = le modèle `{ $model }` ne tourne pas sur sa propre entrée : { $why }
core-check-empty-id = l'identifiant est vide
core-check-id-twice = cet identifiant est utilisé par une autre question
core-check-empty-statement = l'énoncé est vide
core-check-unknown-code-model = code désigne un modèle inconnu `{ $model }` { $known }
core-check-unknown-evidence-model = evidence désigne un modèle inconnu `{ $model }` { $known }
core-check-no-reference = une question ouverte demande une réponse de référence
core-check-few-options = un choix demande au moins deux options
core-check-no-correct-option = un choix sans option correcte
core-check-need-out-of-range = `{ $field }` doit être entre 1 et les { $correct } options correctes
core-check-single-many-correct = un choix à réponse unique a { $correct } options correctes : mettez `{ $field }` ou n'en gardez qu'une
core-check-bad-numeric-value = une valeur numérique doit être finie, avec des tolérances positives ou nulles
core-check-bad-numeric-range = un intervalle numérique demande min ≤ max (reçu { $min } à { $max })
core-check-few-steps = une question d'ordre demande au moins deux étapes
core-check-unknown-model = modèle inconnu `{ $model }` { $known }
core-check-uses-broken-model = utilise le modèle `{ $model }`, qui ne tourne pas (voir plus haut)

## Chargement des packs
core-pack-the-pack = le pack
core-pack-cannot-read = { $file } : lecture impossible : { $why }
core-pack-unsupported-version = version de pack { $found } non prise en charge : ce mltutor lit la version { $supported }
core-pack-no-version = le pack n'a pas de champ `version` : ajoutez `{ $field }`
core-pack-unknown-builtin = modèle intégré inconnu `{ $id }` (intégrés : { $builtins })
core-pack-did-you-mean = {" "}(vouliez-vous dire `{ $name }` ?)
core-pack-unknown-field = champ inconnu `{ $found }`{ $suggestion } ; attendu l'un de : { $expected }
core-pack-unknown-variant = variante inconnue `{ $found }`{ $suggestion } ; attendu l'une de : { $expected }
core-pack-checked-after-fixes = le reste du fichier sera vérifié une fois les erreurs ci-dessus corrigées

## Le résumé d'inspect (en-têtes de colonnes et totaux)
core-inspect-engine = candle n'a pas pu exécuter le modèle : { $why }
core-summary-title = Modèle { $model } ({ $class }) : entrée { $input } par échantillon, lot de { $batch }
core-summary-layer = Couche
core-summary-type = Type
core-summary-output-shape = Forme de sortie
core-summary-params = Paramètres
core-summary-mult-adds = Mult-add
core-summary-total-params = Paramètres au total :
core-summary-trainable = Entraînables :
core-summary-non-trainable = Non entraînables :
core-summary-buffers = { $n } (statistiques courantes de BatchNorm : des buffers)
core-summary-mult-adds-total = Mult-add :
core-summary-param-memory = Mémoire des paramètres :
core-summary-activation-memory = Mémoire des activations :
core-summary-activations = { $bytes } (passe avant, lot de { $batch })
core-summary-without-params = Sans paramètres :

## Progression et rapports
core-progress-unknown-mode = mode inconnu `{ $mode }` : utilisez self-check ou exam
core-progress-not-moved = { $why } ; impossible de la mettre de côté : { $error }
core-report-title = # { $title } — rapport
core-report-intro = Pack `{ $pack }` ({ $language }), mode { $mode }, durée { $time }.
core-report-mode-exam = examen
core-report-mode-self-check = auto-évaluation
core-report-header = | Question | Titre | Répondue | Score | Indices |
core-report-yes = oui
core-report-no = non
core-report-self-rated = { $score } (auto-évaluée)
core-report-total = **Total : { $total } / { $out_of }**

# Les écrans de l’interface en terminal (src/tui/view/).

## Le cadre

view-too-small = Terminal trop petit : { $width }x{ $height }. mltutor a besoin d'au moins { $min_width }x{ $min_height } : agrandissez la fenêtre (q pour quitter).
view-mode-self-check = auto-évaluation
view-mode-exam = examen
view-header-answered = répondu { $done }/{ $total }
view-header-score = score { $score }/{ $total }
view-header-submitted = remis
view-header-clock = ⏱ { $time }

## Fenêtre de confirmation

view-confirm-quit = Quitter ? Le texte saisi non validé est gardé en brouillon.
view-confirm-reset-question = Effacer votre réponse à cette question ?
view-confirm-reset-all = Effacer toutes les réponses de ce pack ?
view-confirm-submit = Remettre l'épreuve ? Les réponses ne pourront plus changer.
view-confirm-keys = o/y : oui   autre touche : non

## Liste des questions (et lignes du rapport)

view-list-title = Questions
view-state-computing = calcul…
view-state-unanswered = sans réponse
view-state-answered = répondu
view-state-to-rate = à évaluer
# $verdict : correct, partiel ou faux ; $score : un pourcentage.
view-state-graded = { $verdict } ({ $score })
view-list-mode-self-check = Mode auto-évaluation : correction détaillée après chaque réponse. Réessayez à volonté.
view-list-mode-exam = Mode examen : pas de correction avant la remise (s). Ensuite, votre score et un rapport.

## Écran d’une question

view-statement-heading = Question { $number } — { $title }
view-hint = Indice { $index }/{ $count } : { $text }
view-open-empty = (Entrée pour écrire votre réponse)
view-open-reference = Référence : { $text }
view-open-tick = Cochez les points clés couverts par votre réponse :
view-field-empty = (Entrée pour saisir votre réponse)
view-field-unit = unité : { $unit }
view-field-shape-examples = ex. 3x40x40, (3, 40, 40), 3 40 40
view-feedback-running = Exécution du modèle…
view-feedback-verdict = { $verdict } — { $score }
view-feedback-correction = Correction
view-pane-statement = Énoncé { $index }/{ $count }
view-pane-model-key = Tab : modèle
view-pane-answer = Votre réponse
view-pane-hints = indices { $shown }/{ $count }
view-pane-hints-title = Indices { $shown }/{ $count }
view-pane-feedback = Résultat
view-pane-model = Modèle (en direct)

## Panneau du modèle

view-model-unavailable = modèle `{ $model }` indisponible
view-model-type-shape = Tapez une forme : le réseau la traite au fil de la frappe.
view-model-runs = ✓ passe :
view-model-breaks = ✗ échoue :
view-model-col-layer = couche
view-model-col-output = sortie
view-model-col-params = params
view-model-total = total
view-model-mult-adds = mult-adds : { $n }
view-model-buffers = buffers (pas des paramètres) : { $n }
view-model-computed-with = (calculé avec candle)

## Rapport d’examen

view-report-title = Rapport d'examen
view-report-total = Total : { $score } / { $count }   (durée { $time })
view-report-self-rated = (auto-évaluée)
view-report-written = Rapport écrit dans { $path }
view-report-and = et { $path }
view-report-writing = Écriture du rapport…

## Labo d’entraînement

view-lab-title-train = Labo d'entraînement
view-lab-title-validation = Labo validation : la perte de validation remonte (sur-apprentissage)
view-lab-title-speedup = Labo accélération : échantillons par seconde sur chaque matériel
view-lab-title-data-quality = Labo qualité des données : un jeu propre à côté d'un jeu défectueux
view-lab-settings = Réglages
view-lab-model = modèle : { $model }
view-lab-epoch-gauge = époque { $epoch }/{ $epochs }
view-lab-batch-gauge = lot · { $rate } éch./s
view-lab-eta = ETA { $time }
view-lab-speedup = Accélération GPU : ×{ $ratio }
view-lab-no-cuda = Cette version n'a pas CUDA : seul le CPU est mesuré. Sur GPU, les produits matriciels des convolutions tournent sur des milliers de cœurs : pour un ResNet, comptez 10 à 100 fois plus d'échantillons par seconde (question 6) ; pour un modèle aussi petit, moins, car l'échantillonnage des lots et le lancement des noyaux prennent leur part.
view-lab-run-best = meilleure époque { $epoch } · exact. { $accuracy }
# $stopped : yes quand l’entraînement a été arrêté avant sa fin.
view-lab-run-speed = { $seconds } s · { $rate } éch./s{ $stopped ->
        [yes] {" "}(arrêté)
       *[no] {""}
    }
view-lab-run-last = val { $loss } · { $accuracy }

## Courbes du labo

view-chart-loss = Perte
view-chart-loss-log = Perte (échelle log)
view-chart-epoch = époque
view-chart-empty = Appuyez sur s pour lancer un entraînement : les courbes apparaissent ici.
view-chart-accuracy = Exactitude en validation (%)
view-chart-train = { $run } entr.
view-chart-val = { $run } val
view-chart-val-acc = { $run } exact. val

# L'interface du terminal (src/tui) : messages d'état, labo d'entraînement, aide.
# Noms des touches et ce que fait chaque touche dans la seconde moitié (ids `key-…`).

## Ligne d'état
tui-exam-frozen = L'épreuve est remise : les réponses ne peuvent plus changer.
tui-type-first = Saisissez d'abord une réponse.
tui-compare-reference = Comparez à la référence : { $space } coche un point couvert, { $enter } valide.
tui-answer-saved = Réponse enregistrée. La correction viendra à la remise de l'épreuve ({ $key } sur la liste).
tui-no-more-hints = Plus d'indice.
tui-question-reset = Question réinitialisée.
tui-all-reset = Toutes les réponses ont été effacées.
tui-save-failed = Impossible d'enregistrer la progression : { $why }
tui-export-failed = Impossible d'écrire le rapport : { $why }
tui-time-up = Temps écoulé : l'épreuve a été remise.
tui-welcome-back = Bon retour : vos réponses ont été restaurées ({ $key } pour reprendre).
tui-progress-moved-aside = La progression enregistrée était illisible ; elle a été mise de côté dans { $path } ({ $why })

## Labo d'entraînement
tui-lab-no-model = ce pack n'a pas de modèle à entraîner
tui-lab-field-error = { $field } : { $why }
tui-lab-out-of-range = { $field } doit être entre { $lo } et { $hi }
tui-lab-bad-optimizer = `{ $text }` ? sgd ou adamw
tui-lab-bad-device = `{ $text }` ? cpu ou cuda
tui-lab-no-cuda = matériel : cette version n'a pas CUDA (cargo build --release --features cuda) ; utilisez cpu
tui-lab-run-clean = propre
tui-lab-run-flawed = défectueux
tui-lab-run-n = essai { $n }
tui-lab-stopping = arrêt…
tui-lab-field-epochs = époques
tui-lab-field-batch = taille de lot
tui-lab-field-lr = taux d'apprent.
tui-lab-field-optimizer = optimiseur
tui-lab-field-train-size = éch. d'entraîn.
tui-lab-field-pixel-noise = bruit des pixels
tui-lab-field-label-noise = bruit des cibles
tui-lab-field-balance = équilibre
tui-lab-field-duplication = duplication
tui-lab-field-device = matériel

## L'aide (?)
tui-help-title = Touches
tui-help-mouse = souris : clic sur une question, molette pour défiler
tui-help-closes = { $first } ou { $second } ferme cette aide

# Une touche et ce qu'elle fait, dans un dialogue.
tui-key-and-action = { $keys } : { $what }

## Noms des touches
key-name-enter = Entrée
key-name-esc = Échap
key-name-tab = Tab
key-name-backtab = Maj+Tab
key-name-backspace = Retour arrière
key-name-delete = Suppr
key-name-home = Début
key-name-end = Fin
key-name-page-up = Pg préc.
key-name-page-down = Pg suiv.
key-name-space = Espace
key-name-ctrl = Ctrl+{ $key }
key-name-alt = Alt+{ $key }
key-name-characters = 0-9 .
key-name-any = autre touche

## Ce que font les touches
key-help = aide
key-quit = quitter
key-move = se déplacer
key-first = première question
key-last = dernière question
key-open-question = ouvrir la question
key-continue = reprendre où vous en étiez
key-submit-exam = remettre l'épreuve
key-report = rapport
key-lab = labo d'entraînement
key-reset-all = tout réinitialiser
key-select = choisir
key-submit = valider
key-move-step = monter/descendre l'étape
key-tick = cocher un point clé
key-record-rating = enregistrer ma note
key-edit-answer = modifier ma réponse
key-reveal = voir la référence
key-type-answer = saisir la réponse
key-hint = indice
key-next-pane-scroll = panneau suivant (↑↓ défile)
key-previous-pane = panneau précédent
key-scroll = faire défiler le panneau
key-next-prev-question = question suivante/précédente
key-reset-question = réinitialiser la question
key-question-list = liste des questions
key-new-line = nouvelle ligne
key-stop-typing = arrêter la saisie
key-next-pane = panneau suivant
key-type = saisir
key-erase-back = effacer le caractère avant le curseur
key-erase = effacer le caractère sous le curseur
key-cursor = déplacer le curseur
key-line-start = début de la ligne
key-line-end = fin de la ligne
key-clear-to-start = effacer jusqu'au début de la ligne
key-delete-word = effacer le mot précédent
key-review-question = revoir la question
key-choose-setting = choisir un réglage
key-edit-switch = modifier / basculer
key-switch = basculer la valeur
key-stop-run = arrêter l'entraînement
key-start-training = lancer l'entraînement
key-clear-curves = effacer les courbes
key-log-scale = échelle log
key-back = retour
key-type-value = saisir la valeur
key-done = terminé
key-yes = oui
key-no = non
key-close-help = fermer cette aide

# L'écran de question pour les types venus de Moodle (réponse courte, appariement, description).
moodle-key-match-next = appariement suivant
moodle-key-match-previous = appariement précédent
moodle-tui-match-how = Choisissez un appariement pour chaque élément (Espace : suivant, K : précédent) :
moodle-tui-description = Texte seul : rien à répondre. Entrée le marque comme lu.

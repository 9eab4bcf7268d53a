# Le labo d'entraînement : son rythme, sa légende et ce qu'il dit des réglages et des entraînements.

lab-field-speed = vitesse
lab-bad-speed = `{ $text }` ? choisissez { $speeds }
lab-not-started = non lancé : { $errors }
lab-lr-proposed = taux d'apprentissage réglé à { $lr }, l'habituel pour { $optimizer }
lab-lr-kept = taux d'apprentissage { $lr } conservé (vous l'avez saisi) ; { $optimizer } prend d'habitude { $usual }
lab-legend-train = perte d'entraînement
lab-legend-val = perte de validation
lab-key-start-stop = lancer / arrêter

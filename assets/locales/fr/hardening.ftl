# Durcissement : limites sur les entrées non fiables (fichiers, arguments, packs, sauvegardes).

## Packs
hard-pack-id-too-long = l'identifiant du pack a { $len } caractères : au plus { $max } (les fichiers de progression portent son nom)
hard-pack-id-bad = l'identifiant du pack est vide ou contient des caractères de contrôle
hard-lab-without-model = la question a un labo mais le pack n'a aucun modèle à entraîner
hard-costly-escapes = ligne { $line } : une chaîne avec tant d'échappements que la lire prendrait trop de temps ; écrivez ses retours à la ligne tels quels
## Save files
hard-progress-not-a-file = le fichier de progression n'est pas un fichier ordinaire
hard-progress-too-large = le fichier de progression est trop gros ({ $bytes } octets)
hard-repair-other-pack = le fichier de progression a été enregistré pour le pack `{ $found }` : ses réponses qui conviennent ont été gardées
hard-repair-unknown-question = les réponses enregistrées à la question `{ $id }`, absente de ce pack, ont été écartées
hard-repair-answer-dropped = une réponse enregistrée à la question `{ $id }` ne lui correspondait pas et a été écartée
hard-repair-score-dropped = un score enregistré de la question `{ $id }` n'était pas un nombre entre 0 et 1 et a été écarté
hard-repair-hints-clamped = la question `{ $id }` avait plus d'indices affichés qu'elle n'en a
hard-lock-held = un autre mltutor (processus { $pid }) a ce pack ouvert sur le même dossier de données : fermez-le d'abord, sinon les réponses s'écraseraient
hard-lock-io = impossible de verrouiller le fichier de progression : { $why }
## Local data sets
hard-data-not-a-file = { $path } n'est pas un fichier ordinaire
hard-data-over-budget = charger ce jeu de données demanderait { $needed } Mio, au-delà du budget mémoire de { $budget } Mio
hard-data-too-few = { $count ->
    [one] un seul échantillon : il en faut au moins 2 pour en garder un pour la validation
   *[other] seulement { $count } échantillons : il en faut au moins 2 pour en garder un pour la validation
}
## Training and bench settings
hard-setting-out-of-range = { $name } doit être un nombre de { $min } à { $max }
hard-setting-epochs = --epochs
hard-setting-batch = --batch
hard-setting-lr = --lr
hard-setting-momentum = --momentum
hard-setting-weight-decay = décroissance des poids
hard-setting-train-size = --train-size
hard-setting-val-size = --val-size
hard-setting-pixel-noise = --pixel-noise
hard-setting-label-noise = --label-noise
hard-setting-imbalance = --imbalance
hard-setting-duplication = --duplication
hard-setting-samples = --samples
hard-setting-runs = --runs
## Metrics
hard-metrics-write = impossible d'écrire les métriques dans { $path } : { $why }

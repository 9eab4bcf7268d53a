# Les entraînements du moteur et ses jeux de données.

## Réglages d'entraînement
train-setting-range = { $name } doit être { $whole ->
    [yes] un nombre entier
   *[no] un nombre
} de { $min } à { $max }
train-setting-not-whole = { $name } doit être un nombre entier
train-speed-slow = lente
train-speed-normal = normale
train-speed-fast = rapide
train-speed-max = max

## Entraînements
train-too-many-classes = les données ont { $data } classes mais le modèle seulement { $model } { $model ->
    [one] sortie
   *[other] sorties
}
train-step-failed = l'étape d'entraînement a échoué : { $why }
train-diverged = la perte a explosé : baissez le taux d'apprentissage (la perte est passée de { $first } à { $loss } à l'époque { $epoch }, avec un taux d'apprentissage de { $lr })

## Jeux de données
train-data-too-few-outputs = le modèle a { $classes } { $classes ->
    [one] sortie
   *[other] sorties
} : le labo entraîne des classifieurs, qui demandent au moins 2 sorties
train-data-empty-sets = les ensembles d'entraînement et de validation demandent chacun au moins un échantillon
train-data-too-many-image-classes = le générateur d'images dessine { $kinds } sortes de formes ; le modèle a { $classes } sorties
train-data-cannot-read = impossible de lire { $path } : { $why }
train-data-shape-mismatch = les données de { $dir } ont des échantillons de forme { $data }, mais le modèle prend { $model } : choisissez un modèle dont l'entrée correspond
train-data-idx-truncated = le fichier IDX est tronqué
train-data-idx-magic = ce ne sont pas des fichiers IDX au format MNIST (nombres magiques attendus : 2051 et 2049)
train-data-idx-counts = { $images } images mais { $labels } étiquettes
train-data-idx-header = l'en-tête IDX est absurde
train-data-images-short = le fichier d'images est plus court que ne le dit son en-tête
train-data-labels-short = le fichier d'étiquettes est plus court que ne le dit son en-tête
train-data-no-class-folders = { $dir } ne contient ni fichiers IDX MNIST ni un dossier d'images PNG par classe
train-data-image-size = { $file } fait { $got }, mais les images précédentes font { $earlier } : toutes les images doivent avoir la même taille
train-data-no-png = aucune image PNG sous { $dir }
train-data-palette = { $file } : les images à palette ne sont pas prises en charge

# Les entraînements du moteur et ses jeux de données.

## Réglages d'entraînement
train-settings-epochs = le nombre d'époques doit être entre 1 et 10000
train-settings-batch = la taille de batch doit être entre 1 et 4096
train-settings-lr = le taux d'apprentissage doit être dans ]0, 10]
train-settings-momentum = le momentum doit être dans [0, 1[
train-settings-sizes = l'ensemble d'entraînement demande de 1 à 200000 échantillons, la validation de 1 à 50000

## Entraînements
train-too-many-classes = les données ont { $data } classes mais le modèle seulement { $model } { $model ->
    [one] sortie
   *[other] sorties
}
train-step-failed = l'étape d'entraînement a échoué : { $why }
train-diverged = la perte est devenue { $loss } à l'époque { $epoch } : le taux d'apprentissage { $lr } est trop élevé pour ce modèle

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

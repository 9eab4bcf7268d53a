# Jeux de données générés : ce qu'un modèle lit, ce qui distingue ses classes, et pourquoi un jeu ne peut pas être fait.

## Ce que sont les données (réglages du labo, premières lignes de `train`)
data-kind-image = données : images { $shape }
data-kind-vector = données : vecteurs de { $features }
data-kind-channels = données : { $features } canaux, { $steps } pas
data-kind-steps = données : { $steps } pas de { $features }
data-kind-tokens = données : { $length } ids parmi { $vocabulary }
data-classes-list = classes : { $names }
data-classes-clusters = classes : { $classes } nuages de points
data-classes-markers = classes : { $classes } paires de jetons
data-classes-shapes = classes : { $classes } formes
data-classes-motifs = classes : { $classes } motifs
data-noise-pixels = bruit des pixels
data-noise-values = bruit
data-noise-tokens = substitutions

## Classes d'images
data-shape-square = carré
data-shape-frame = cadre
data-shape-disc = disque
data-shape-ring = anneau
data-shape-h-stripes = rayures horizontales
data-shape-v-stripes = rayures verticales
data-shape-diagonal = diagonale
data-shape-plus = plus
data-shape-cross = croix
data-shape-checker = damier

## Classes de séquences
data-motif-burst = salve
data-motif-step = marche
data-motif-spike = pic
data-motif-ramp = rampe
data-motif-chirp = chirp
data-motif-pulse = créneau
data-motif-dip = creux
data-motif-drop = chute
data-motif-double-spike = double pic
data-motif-fast-burst = salve rapide

## Refus
data-unsupported-input = aucune donnée ne peut être générée pour une entrée à { $rank } dimensions ({ $shape }) : mltutor génère des images (C x H x W), des vecteurs, des séquences (2 dimensions) et des ids de jetons (1 dimension, lue par un Embedding)
data-tokens-rank = un Embedding lit l'entrée { $shape } de ce modèle : les ids de jetons générés forment une séquence à une dimension (une entrée comme 50)
data-too-many-sequence-classes = le générateur de séquences dessine { $kinds } sortes de motifs ; le modèle a { $classes } sorties
data-tokens-too-short = une séquence de { $length } { $length ->
    [one] jeton
   *[other] jetons
} ne peut pas contenir une paire de marqueurs : donnez au modèle une entrée de 2 jetons au moins
data-vocabulary-too-small = un vocabulaire de { $vocabulary } ids est trop petit pour { $classes } classes : une paire de marqueurs par classe et du remplissage demandent { $needed } ids
data-tokens-from-files = --data lit des images ; ce modèle lit des ids de jetons (un Embedding d'abord) : entraînez-le sur des séquences générées, sans --data

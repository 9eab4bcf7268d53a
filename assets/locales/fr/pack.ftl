# Packs et fichiers de modèles : lecture stricte (les fautes courantes nommées avec leur correction),
# la limite de mémoire propre au pack, et le modèle d'un fichier sur lequel travaille une commande.

## Fautes courantes dans les fichiers RON
pack-slip-hash-comment = `#` ne commence pas un commentaire en RON : écrivez `//` (ou `/* … */`)
pack-slip-python-bool = `{ $found }` s'écrit ainsi en Python : RON écrit `{ $fix }`
pack-slip-float-for-integer = un entier est attendu ici, pas `{ $found }` : écrivez `{ $integer }`
pack-slip-single-quotes = les chaînes de RON sont entre guillemets droits doubles, "comme ceci" (les apostrophes entourent un seul caractère)
pack-slip-null = `{ $found }` n'est pas du RON : écrivez `None`, ou omettez le champ
pack-expected = { $what ->
    [comma] une virgule `,` est attendue ici (entre deux valeurs)
    [integer] un nombre entier est attendu ici, comme `16`
    [number] un nombre est attendu ici, comme `0.5`
    [string] une chaîne entre guillemets droits est attendue ici, "comme ceci"
    [boolean] `true` ou `false` est attendu ici
    [list] une liste entre crochets est attendue ici, `[…]`
    [colon] un `:` est attendu ici, après le nom
    [closing] un crochet fermant est attendu ici (ou une virgule avant la valeur suivante)
    [end] le fichier se termine trop tôt : un crochet reste ouvert
   *[other] autre chose est attendu ici
}

## La limite de mémoire
pack-limit-explain = { $source ->
    [pack] La limite est celle du pack, son champ `memory_budget_mib` à { $code } (en Mio, au plus { $ceiling }) : augmentez-la là, ou passez --memory-budget MIO.
    [flag] La limite est --memory-budget { $code } (en Mio) : passez une valeur plus grande pour l'augmenter.
   *[default] La limite est celle par défaut, { $mib } Mio : augmentez-la avec --memory-budget MIO, ou dans le pack avec `memory_budget_mib` (au plus { $ceiling }).
}
pack-budget-over-ceiling = `memory_budget_mib` à { $code } dépasse les { $ceiling } Mio qu'un pack peut se donner : diminuez-la (un utilisateur peut toujours passer --memory-budget MIO)
pack-budget-zero = `memory_budget_mib` à 0 ne laisse aucune mémoire aux modèles : donnez au moins 1 (Mio), ou omettez le champ pour la valeur par défaut
pack-over-limit = `{ $model }` ne tient pas dans la limite de mémoire : { $why }

## Le modèle sur lequel travaille une commande
pack-models-neither = `{ $path }` n'est ni un pack (il n'a ni `version` ni `questions`) ni une spécification de modèle (`id`, `input`, `layers`)
pack-models-no-such-model = aucun modèle `{ $id }` dans { $path } : { $count ->
    [0] il n'en a aucun
   *[other] ses modèles sont { $available }
}

## Le résumé
pack-summary-buffers-column = Buffers
pack-summary-buffers-total = Buffers (pas des paramètres) :
pack-summary-buffers-what = { $n } (running_mean, running_var et num_batches_tracked de BatchNorm)
pack-draw-too-large = la section tirée de « { $category } » demande { $count } { $count ->
        [one] question
       *[other] questions
    }, et la catégorie en a { $available } : tirez-en au moins 1 et au plus { $available }

## Modèles lus dans un fichier Python à côté du pack (`source:`)
pack-source-model = modèle `{ $model }` : { $problem }
pack-source-no-folder = `{ $source }` (champ `source`) lit un fichier à côté du pack, et ce pack n'a pas été lu dans un dossier (un pack intégré) : écrivez plutôt les `layers` du modèle (`mltutor import FICHIER.py` les affiche)
pack-source-escapes = `{ $source }` (champ `source`) doit être un chemin relatif au dossier du pack qui reste dedans (pas de chemin absolu, ni de `..` ou de lien qui en sort)
pack-source-cannot-read = impossible de lire { $path } : { $why }
pack-source-refused = { $source } ne peut pas être importé :
    { $error }
pack-source-with-spec = un modèle lu dans un fichier Python (champ `source`) prend son champ `{ $field }` dans le fichier : omettez-le
pack-model-missing = le modèle n'a pas de champ `{ $field }` : un modèle s'écrit avec `input` et `layers`, ou se lit dans un fichier Python avec `source`, `class` et `input`
pack-models-py-input-needs-py = --input donne l'entrée d'un modèle lu dans un fichier .py (--pack FICHIER.py) : cette commande prend le modèle d'un pack avec sa propre entrée

# Durcissement : limites sur les entrées non fiables (fichiers, arguments, packs, sauvegardes).

## Packs
hard-pack-id-too-long = l'identifiant du pack a { $len } caractères : au plus { $max } (les fichiers de progression portent son nom)
hard-pack-id-bad = l'identifiant du pack est vide ou contient des caractères de contrôle
hard-lab-without-model = la question a un labo mais aucun modèle qu'un labo peut entraîner (donnez-lui `code:` ou faites-en une question calculée)
hard-costly-escapes = ligne { $line } : une chaîne avec tant d'échappements que la lire prendrait trop de temps ; écrivez ses retours à la ligne tels quels

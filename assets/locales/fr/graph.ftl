# Graphes : tenseurs nommés, Add/Mul/Cat, nn.Sequential et classes de sous-modules (src/core/spec/graph.rs).
graph-unknown-tensor = { $at } lit `{ $name }`, qu'aucune ligne de `{ $class }.forward` n'écrit (écrits jusqu'ici : { $written }). Vérifiez l'orthographe de `from`, ou écrivez d'abord `{ $name }` (le `to` d'une ligne précédente).
graph-read-before-written = { $at } lit `{ $name }` avant qu'une ligne de `{ $class }.forward` ne l'écrive : placez la ligne qui écrit `{ $name }` (son `to`) au-dessus de celle-ci.
graph-bad-tensor-name = { $at } écrit `{ $name }`, qui n'est pas un nom de variable Python (lettres, chiffres et _, sans chiffre au début).
graph-unused = { $at } ({ $label }) calcule un tenseur que rien dans `{ $class }.forward` ne lit et qui n'est pas renvoyé : PyTorch exécuterait quand même cette couche et compterait ses paramètres. Lisez sa sortie (son `to`) dans une ligne suivante, ou retirez la couche.
graph-inputs-one = { $at } prend un seul tenseur, mais `from` en nomme { $got ->
    [one] un
   *[other] { $got }
}.
graph-inputs-many = { $at } combine au moins { $min } tenseurs, mais `from` en nomme { $got ->
    [one] un
   *[other] { $got }
} : nommez-en deux ou plus dans `from`, par exemple `out` et `identity`.
graph-not-a-module = { $at } est un opérateur Python (`+`, `*`, `torch.cat`), pas un module : retirez son `name`.
graph-inline-wired = { $at } est `inline` mais lit des tenseurs nommés ou les combine : une couche inline enveloppe l'expression de la ligne précédente ; retirez `inline` ou `from`.
graph-container-unnamed = { $at } est un module qui contient des couches : donnez-lui un `name` (le code le garde en `self.nom`).
graph-not-in-sequential = { $at } contient { $type_name }, qui n'a pas de module `nn` : nn.Sequential ne contient que des modules. Écrivez-le plutôt comme une ligne de `forward`.
graph-empty = { $at } ne contient aucune couche : donnez-lui-en au moins une.
graph-unknown-class = { $at } utilise la classe `{ $class }`, qui n'est pas définie avant elle dans `modules` (définies : { $known }). Une classe ne peut utiliser que les classes listées au-dessus d'elle.
graph-class-twice = la classe `{ $class }` est définie deux fois (ou porte le nom de la classe du modèle) : donnez à chaque classe son propre nom.
graph-bad-class = `{ $class }` n'est pas un nom de classe Python (lettres, chiffres et _, sans chiffre au début).
graph-too-large = le modèle se déplie en plus de { $max } couches : des sous-modules utilisés dans des sous-modules se multiplient, il est donc refusé avant toute construction.

graph-need-same-rank = des tenseurs ayant le même nombre de dimensions
graph-need-broadcast = des formes égales dans chaque dimension (ou valant 1 : la diffusion de PyTorch)
graph-need-cat = des tenseurs de formes égales dans chaque dimension sauf celle de la jonction
graph-need-cat-dim = une dimension entre { $low } et { $high }
graph-got-two = { $a } et { $b }
graph-got-cat-dim = dim={ $dim } pour { $shape } (lot en premier)
graph-got-cat-batch = dim=0, le lot
graph-why-rank = Aplatissez ou remodelez l'un des deux d'abord pour qu'ils aient les mêmes dimensions.
graph-why-broadcast = La dimension { $dim } (le lot comptant pour 0) vaut { $left } d'un côté et { $right } de l'autre : une connexion résiduelle demande que le bloc garde les canaux et la taille, ou une convolution 1x1 (de même pas) sur le raccourci.
graph-why-cat = La dimension { $dim } (le lot comptant pour 0) vaut { $left } d'un côté et { $right } de l'autre ; seule la dimension { $joined } peut différer.
graph-why-cat-batch = Joindre selon le lot mélangerait les échantillons : joignez selon les canaux (dim=1).

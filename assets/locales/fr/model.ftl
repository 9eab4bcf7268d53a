# Messages sur les modèles, pour l’enseignant et l’étudiant : défauts d’une spécification
# (`spec-…`) et raisons pour lesquelles un modèle ne tourne pas sur une entrée (`plan-…`).

## Les défauts d’une spécification, trouvés avant toute exécution.

spec-error = modèle `{ $model }` : { $problem }
spec-layer-at = couche { $position } ({ $type_name })
spec-empty-id = l'identifiant du modèle est vide
spec-input-rank = l'entrée doit avoir de 1 à 3 dimensions par échantillon ({ $got } données)
spec-input-zero = les dimensions de l'entrée doivent valoir au moins 1
spec-no-layers = le modèle n'a aucune couche
spec-bad-name = { $at } : `{ $name }` n'est pas un nom d'attribut Python valide
spec-name-twice = { $at } : le nom `{ $name }` est utilisé deux fois
spec-unnamed = { $at } a des poids, le code doit donc la garder comme module : donnez-lui un nom (par exemple { "name: \"conv1\"" })
spec-first-inline = { $at } : la première couche ne peut pas être en ligne (inline)
spec-conv-args = { $at } : les canaux, le noyau et le pas doivent valoir au moins 1
spec-features-zero = { $at } : le nombre de valeurs doit être au moins 1
spec-pool-args = { $at } : le noyau et le pas doivent valoir au moins 1
spec-view-args = { $at } : seul x.view(-1, N) avec N ≥ 1 est pris en charge (reçu view({ $first }, { $n }))
spec-dropout-p = { $at } : le p du dropout doit être dans [0 ; 1[ (reçu { $p })
spec-not-finite = { $at } : `{ $argument }` doit être un nombre fini

## Une forme qui ne passe pas, expliquée pour apprendre.

plan-mismatch-input = La couche { $position } ({ $label }, { $type_name }) attend { $needed }, mais l'entrée est { $got }.
plan-mismatch-layers = La couche { $position } ({ $label }, { $type_name }) attend { $needed }, mais { $origin } donne { $got } pour l'entrée { $input }.

plan-need-image = un échantillon de forme canaux x hauteur x largeur (3 dimensions)
plan-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
plan-why-image = { $op } parcourt une image : donnez l'entrée sous la forme C x H x W, par exemple 3x40x40.

plan-need-channels = { $expected } canaux en entrée
plan-got-channels = { $got ->
    [1] 1 canal
   *[other] { $got } canaux
    } ({ $shape })
plan-why-channels = La première dimension d'un échantillon est celle des canaux : { $layer } a été construit avec in_channels={ $expected }.

plan-need-kernel = une hauteur et une largeur d'au moins { $min } (noyau { $kernel } moins deux fois le padding { $padding })
plan-why-kernel = Le noyau ne tient pas dans l'image complétée par le padding.

plan-need-pool = une hauteur et une largeur d'au moins { $kernel }
plan-why-pool = Une fenêtre de pooling { $kernel }x{ $kernel } ne tient pas dans l'image.

plan-need-features = { $n ->
    [1] 1 valeur par échantillon
   *[other] { $n } valeurs par échantillon
    }
plan-got-last-dim = { $shape } (dernière dimension { $last })
plan-got-features = { $last ->
    [1] 1 valeur
   *[other] { $last } valeurs
    }
plan-why-flatten = Une couche Linear n'agit que sur la dernière dimension : aplatissez d'abord l'échantillon (x.view(-1, { $n }) ou torch.flatten(x, 1)).

plan-why-view-mixes = PyTorch ne dirait rien : il couperait chaque échantillon en { $rows } lignes, le lot n'aurait plus une ligne par échantillon et les sorties des échantillons seraient mélangées.
plan-why-view-glues = Le view de PyTorch ne passerait qu'avec un lot dont la taille est un multiple de { $k }, et chaque ligne collerait alors { $k } échantillons ensemble.
plan-why-view-fails = { $per_sample } n'est pas un multiple de { $n } : le view de PyTorch échoue.

plan-need-dim = une dimension entre { $low } et { $high }
plan-got-dim = dim={ $dim } (N x { $shape })

## Le budget mémoire.

plan-over-budget = Refusé avant toute allocation : { $what } demanderait { $need }, au-delà du budget mémoire de { $budget }. Utilisez des couches ou une entrée plus petites (ou relevez le budget avec --memory-budget).
plan-need-unbounded = plus de mémoire qu'une machine n'en a
plan-what-layer = la couche { $label }
plan-what-all-weights = les poids du modèle
plan-what-weights = les poids de `{ $model }`
plan-what-output = la sortie de { $label }
plan-what-activations = les activations
plan-what-batch = un lot de { $batch } à travers `{ $model }` jusqu'à { $label } (sortie { $shape })
plan-what-batch-buffers = un lot de { $batch } à travers `{ $model }` jusqu'à { $label } (avec ses tampons de travail complétés par le padding)

## Tailles en octets : $n est déjà formaté (`512,0`).
plan-bytes = { $n } o
plan-kib = { $n } Kio
plan-mib = { $n } Mio
plan-gib = { $n } Gio

## La trace des formes d'une entrée tapée (panneau du modèle, auto-évaluation)
plan-trace-input = entrée
plan-trace-batch = ✓ passe : { $n ->
    [one] un lot d'un échantillon
   *[other] un lot de { $batch } échantillons
} de forme { $sample } (PyTorch lit la première dimension comme le lot)
plan-trace-fails-here = ✗ ici

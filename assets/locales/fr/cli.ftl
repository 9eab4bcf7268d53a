# La ligne de commande : `mltutor inspect|check|answers|train|bench`.
cli-error = erreur : { $message }
cli-tui-failed = l'interface du terminal a échoué : { $why }
cli-at-least-one = { $flag } doit valoir au moins 1
cli-cannot-write = impossible d'écrire { $path } : { $why }

## check
cli-check-spec-ok = { $file } : ok — une spécification de modèle, `{ $model }`, { $parameters } paramètres (les questions sur lui vont dans un pack)
cli-check-spec-bad = { $file } : le modèle `{ $model }` ne s'exécute pas : { $why }
cli-check-ok = { $file } : ok — { $questions } { $questions ->
    [one] question
   *[other] questions
}, { $models } { $models ->
    [one] modèle
   *[other] modèles
}

## inspect
cli-inspect-does-not-run = L'entrée { $input } ne passe pas dans `{ $model }` :

## Choix du modèle (--pack, --model)
cli-models-cannot-read = impossible de lire { $path } : { $why }
cli-models-empty = aucun modèle dans le fichier
cli-models-no-such-model = pas de modèle `{ $id }` ; disponibles : { $available }

## train
cli-train-started = entraînement de { $model } sur { $device } : { $train } échantillons d'entraînement et { $val } de validation, { $epochs } { $epochs ->
    [one] époque
   *[other] époques
} de { $steps } { $steps ->
    [one] étape
   *[other] étapes
}
cli-train-bar-steps = étapes
cli-train-bar-eta = reste
cli-train-bar-message = perte { $loss } · { $rate } éch./s
cli-train-epoch = époque { $epoch }  perte d'entraînement { $train_loss }  perte de validation { $val_loss }  exactitude { $acc }  { $rate } éch./s
cli-train-done = terminé : { $epochs } { $epochs ->
    [one] époque
   *[other] époques
} en { $seconds } s, meilleure perte de validation { $best_loss } à l'époque { $best_epoch }, exactitude finale { $accuracy }, { $rate } éch./s

## bench
cli-bench-unknown-mode = mode inconnu `{ $mode }` : utilisez train ou infer
cli-bench-profile-title = par étape d'entraînement, lot de { $batch } ({ $model }) :
cli-bench-run = essai { $run } : { $rate } éch./s
cli-bench-model-on = modèle { $model } sur { $device }
cli-import-note = remarque : { $note }
cli-import-does-not-run = la classe ne tourne pas sur l’entrée { $input } : { $why }
    Donnez la forme d’un échantillon avec --input.

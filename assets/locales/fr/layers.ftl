# Normalisations et opérations sur les dimensions selon les règles de PyTorch (src/core/spec/layers_rule.rs).

layers-groups = { $at } : num_channels ({ $channels }) doit être divisible par num_groups ({ $groups })
layers-norm-shape = { $at } : normalized_shape prend une à trois tailles, chacune au moins 1
layers-batch-dim = { $at } : { $argument } 0 est la dimension du lot, qui doit rester en place (dim 1 est la première dimension d’un exemple)
layers-padding-idx = { $at } : padding_idx ({ $padding_idx }) doit être un identifiant de jeton, entre { $low } et { $high }

layers-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
layers-need-batch = une opération qui laisse la dimension du lot (dim 0) en place
layers-got-batch = { $shape }, et { $op } atteindrait la dim 0, le lot
layers-why-batch = La dimension 0 est le lot : la déplacer, la fusionner ou la retirer mélange les exemples. Comptez les dimensions avec le lot en premier (dim 1 est la première dimension d’un exemple).
layers-need-flatten-order = start_dim au plus égal à end_dim
layers-got-flatten-order = N x { $shape }, pour start_dim={ $start } et end_dim={ $end }
layers-need-norm-shape = un exemple qui se termine par { $shape }
layers-why-norm-shape = LayerNorm normalise sur les dernières dimensions de chaque exemple : normalized_shape doit leur être égal.
layers-need-features = un exemple de C caractéristiques ou C x L (1 ou 2 dimensions)
layers-why-features = BatchNorm1d prend N x C ou N x C x L ; utilisez BatchNorm2d pour les images.
layers-need-permute-len = { $rank ->
    [one] { $rank } dimension dans permute
   *[other] { $rank } dimensions dans permute
    } (le lot compris)
layers-got-permute-len = N x { $shape }, pour { $len } données
layers-need-permute-dims = chaque dimension une seule fois
layers-got-permute-dims = N x { $shape }, pour permute({ $dims })
layers-need-group-channels = un nombre de canaux (la première dimension d’un exemple) divisible par num_groups ({ $groups })
layers-need-sequence = un exemple de pas x caractéristiques, L x { $input_size }
layers-why-sequence = Une couche récurrente lit un vecteur de input_size caractéristiques par pas.
layers-need-index = un indice entre { $low } et { $high }
layers-got-index = { $shape }, pour l’indice { $index }

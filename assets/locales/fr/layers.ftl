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

# Couches d’attention (src/core/spec/attention.rs).
attention-heads = { $at } : { $dim_name } ({ $embed_dim }) doit être divisible par { $heads_name } ({ $num_heads }) : chaque tête lit { $dim_name } / { $heads_name } caractéristiques
attention-eps = { $at } : layer_norm_eps ({ $eps }) doit être un nombre positif
attention-need-sequence = un exemple de pas x caractéristiques, L x { $embed_dim }
attention-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
attention-why-sequence = L’attention lit un vecteur de embed_dim (d_model) caractéristiques par pas et compare chaque pas à tous les autres.

# Couches récurrentes : arguments et états finaux (src/core/spec/seq.rs).
recurrent-dropout = { $at } : le dropout entre couches doit être compris entre 0 et 1 (reçu { $p })
recurrent-proj-size = { $at } : proj_size ({ $proj_size }) doit être inférieur à hidden_size ({ $hidden_size })
recurrent-cell-not-lstm = { $at } : seul un LSTM a un état de cellule : returns "c_n" demande nn.LSTM (un RNN ou un GRU renvoie output et h_n)
recurrent-state-batch-first = { $at } : lire l’état final demande batch_first=True : les entrées de mltutor placent le lot en premier, et sans batch_first PyTorch lirait cette dimension comme les pas
recurrent-state-reader = { $at } : { $label } lit un état final (D·num_layers x N x H, le lot au milieu) ; seuls h[i] (h[-1] : la dernière couche) ou h.squeeze(0) le lisent
recurrent-state-returned = { $at } : le modèle renvoie un état final, dont le lot n’est pas la première dimension : renvoyez plutôt h[-1] (celui de la dernière couche)
recurrent-not-a-state = { $at } : h[i] et h.squeeze(0) lisent l’état final d’une couche récurrente (returns valant "h_n" ou "c_n"), et ce tenseur n’en est pas un
recurrent-squeeze = { $at } : h.squeeze(0) ne retire la première dimension que si elle vaut 1, et elle vaut ici { $layers } (num_layers × directions) : lisez plutôt h[-1]
attention-py-tuple = self.{ $name }(…) renvoie une paire (sortie, poids d’attention) : écrivez « x, _ = self.{ $name }(x, x, x) » ou « self.{ $name }(x, x, x)[0] »
attention-py-not-self = self.{ $name } ne se lit qu’en auto-attention, self.{ $name }(x, x, x) (need_weights permis) : l’attention croisée (requête, clé et valeur différentes) et les masques ne sont pas dans le langage des modèles
attention-py-weights = les poids d’attention de self.{ $name } ne sont pas dans le langage des modèles : écrivez « x, _ = self.{ $name }(x, x, x) »

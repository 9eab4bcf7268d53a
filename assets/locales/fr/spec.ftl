# Arguments des convolutions et des poolings selon les règles de PyTorch (src/core/spec/rule.rs).

spec-zoo-zero = { $at } : { $argument } doit valoir au moins 1
spec-zoo-groups = { $at } : in_channels ({ $in_channels }) et out_channels ({ $out_channels }) doivent tous deux être divisibles par groups ({ $groups })
spec-zoo-same-stride = { $at } : padding="same" n'est pas accepté pour une convolution avec un pas (PyTorch le refuse) : prenez un pas de 1, ou donnez le padding sous forme de nombre
spec-zoo-one-dim = { $at } : une couche 1-d prend un seul nombre pour { $argument }, pas une paire
spec-zoo-pool-padding = { $at } : le padding ({ $padding }) doit valoir au plus la moitié de la taille du noyau ({ $kernel })
spec-zoo-output-padding = { $at } : output_padding ({ $output_padding }) doit être inférieur au pas ({ $stride }) ou à la dilatation ({ $dilation })

spec-zoo-need-sequence = un échantillon de forme canaux x longueur (2 dimensions)
spec-zoo-got-dims = { $shape } ({ $n ->
    [one] { $n } dimension
   *[other] { $n } dimensions
    })
spec-zoo-why-sequence = { $op } parcourt une séquence : donnez l'entrée sous la forme C x L, par exemple 4x50.
spec-zoo-need-hw = une hauteur d'au moins { $height } et une largeur d'au moins { $width }
spec-zoo-need-length = une longueur d'au moins { $length }
spec-zoo-why-window = La fenêtre (noyau, dilatation et padding) ne tient pas dans l'entrée.

variant-bad-expr = ligne { $line }, colonne { $column } : « {"{"}{ $expr }{"}"} » n’est pas une expression (nombres, variables, + - * / %, comparaisons, && ||, parenthèses)
variant-unknown = ligne { $line }, colonne { $column } : « { $name } » n’est pas une variable déclarée (déclarez-la sous `variables`)
variant-bad-constraint = la contrainte « { $constraint } » est illisible ou nomme une variable non déclarée
variant-empty-domain = la variable « { $name } » n’a aucune valeur (un nom de lettres, chiffres et _, min ≤ max, un pas au-dessus de 0, au moins un choix)
variant-too-many = plus de { $max } variables
variant-arithmetic = « { $expr } » déborde ou divise par zéro
variant-unsatisfiable = aucun tirage sur { $draws } ne respecte toutes les contraintes : élargissez les domaines ou relâchez les contraintes
variant-out-of-range = il n’y a pas de variante { $number } : les variantes vont de 0 à { $max }

variant-bad-expr = line { $line }, column { $column }: “{"{"}{ $expr }{"}"}” is not an expression (numbers, variables, + - * / %, comparisons, && ||, parentheses)
variant-unknown = line { $line }, column { $column }: “{ $name }” is not a declared variable (declare it under `variables`)
variant-bad-constraint = the constraint “{ $constraint }” cannot be read, or names an undeclared variable
variant-empty-domain = the variable “{ $name }” has no value (a name of letters, digits and _, min ≤ max, a step above 0, at least one choice)
variant-too-many = more than { $max } variables
variant-arithmetic = “{ $expr }” overflows or divides by zero
variant-unsatisfiable = no draw out of { $draws } met every constraint: widen the domains or loosen the constraints
variant-out-of-range = there is no variant { $number }: variants run from 0 to { $max }

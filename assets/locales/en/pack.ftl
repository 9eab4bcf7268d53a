# Packs and model files: strict reading (common slips named with their fix), the pack's own
# memory limit, and which model of a file a command works on.

## Common slips in RON files
pack-slip-hash-comment = `#` does not start a comment in RON: write `//` (or `/* … */`)
pack-slip-python-bool = `{ $found }` is Python's spelling: RON writes `{ $fix }`
pack-slip-float-for-integer = an integer is expected here, not `{ $found }`: write `{ $integer }`
pack-slip-single-quotes = RON's strings are in double quotes, "like this" (single quotes hold one character)
pack-slip-null = `{ $found }` is not RON: write `None`, or leave the field out
pack-expected = { $what ->
    [comma] a comma `,` is expected here (between two values)
    [integer] a whole number is expected here, such as `16`
    [number] a number is expected here, such as `0.5`
    [string] a string in double quotes is expected here, "like this"
    [boolean] `true` or `false` is expected here
    [list] a list in square brackets is expected here, `[…]`
    [colon] a `:` is expected here, after the name
    [closing] a closing bracket is expected here (or a comma before the next value)
    [end] the file ends too soon: a bracket is left open
   *[other] something else is expected here
}

## The memory limit
pack-limit-explain = { $source ->
    [pack] The limit is the pack's `memory_budget_mib: { $code }` (MiB, at most { $ceiling }): raise it there, or pass --memory-budget MIB.
    [flag] The limit is --memory-budget { $code } (MiB): pass a larger value to raise it.
   *[default] The limit is the default, { $mib } MiB: raise it with --memory-budget MIB, or in the pack with `memory_budget_mib` (at most { $ceiling }).
}
pack-budget-over-ceiling = `memory_budget_mib: { $code }` is over the { $ceiling } MiB a pack may set: lower it (a user may still pass --memory-budget MIB)
pack-budget-zero = `memory_budget_mib: 0` leaves no memory for any model: give at least 1 (MiB), or leave the field out for the default
pack-over-limit = `{ $model }` does not fit the memory limit: { $why }

## Which model a command works on
pack-models-neither = `{ $path }` is neither a pack (it has no `version` or `questions`) nor a model spec (`id`, `input`, `layers`)
pack-models-no-such-model = no model `{ $id }` in { $path }: { $count ->
    [0] it has none
   *[other] its models are { $available }
}

## The summary
pack-summary-buffers-column = Buffers
pack-summary-buffers-total = Buffers (not parameters):
pack-summary-buffers-what = { $n } (BatchNorm's running_mean, running_var, num_batches_tracked)
pack-draw-too-large = the section drawing from “{ $category }” asks for { $count } { $count ->
        [one] question
       *[other] questions
    }, and the category has { $available }: draw at least 1 and at most { $available }

## Models read from a Python file beside the pack (`source:`)
pack-source-model = model `{ $model }`: { $problem }
pack-source-no-folder = `source: "{ $source }"` reads a file beside the pack, and this pack was not read from a folder (a built-in pack): write the model's `layers` instead (`mltutor import FILE.py` prints them)
pack-source-escapes = `source: "{ $source }"` must be a path relative to the pack's folder that stays inside it (no absolute path, no `..` or link leading out of it)
pack-source-cannot-read = cannot read { $path }: { $why }
pack-source-refused = { $source } cannot be imported:
    { $error }
pack-source-with-spec = a model read from a Python file (`source:`) takes its `{ $field }` from the file: leave the field out
pack-model-missing = the model has no `{ $field }`: a model is written with `input` and `layers`, or read from a Python file with `source`, `class` and `input`
pack-models-py-input-needs-py = --input gives the input of a model read from a .py file (--pack FILE.py): this command takes a pack's model with its own input

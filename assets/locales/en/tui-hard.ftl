# The interface under stress: no terminal, signals, a second instance, failed saves,
# damaged save files, a lab without a model.

tuih-no-terminal = mltutor needs a terminal: its input or output is redirected. Run it in a terminal, or use a command that prints (mltutor answers, mltutor check).
tuih-locked = Another mltutor (process { $pid }) has this pack open in { $dir }: answering here too would overwrite its answers. Close it first, or use another folder (--data-dir).
tuih-lock-failed = Could not lock { $dir } ({ $why }): answers are saved without protection against a second window.
tuih-confirm-quit-unsaved = Your answers are not saved: quit anyway?
tuih-not-saved = Answers NOT saved ({ $why })
tuih-repaired = The save file did not fit this pack, { $n ->
    [one] one change
   *[other] { $n } changes
}: { $what }
tuih-signal = Stopped by a signal ({ $name }): progress saved.
tuih-lab-not-whole = { $field } must be a whole number

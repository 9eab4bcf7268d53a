# L'interface sous contrainte : pas de terminal, signaux, deuxième instance, enregistrement
# impossible, sauvegarde abîmée, labo sans modèle.

tuih-no-terminal = mltutor a besoin d'un terminal : son entrée ou sa sortie est redirigée. Lancez-le dans un terminal, ou utilisez une commande qui affiche (mltutor answers, mltutor check).
tuih-locked = Un autre mltutor (processus { $pid }) a ce pack ouvert dans { $dir } : répondre ici aussi écraserait ses réponses. Fermez-le d'abord, ou utilisez un autre dossier (--data-dir).
tuih-lock-failed = Impossible de verrouiller { $dir } ({ $why }) : les réponses sont enregistrées sans protection contre une deuxième fenêtre.
tuih-confirm-quit-unsaved = Vos réponses ne sont pas enregistrées : quitter quand même ?
tuih-not-saved = Réponses NON enregistrées ({ $why })
tuih-repaired = La sauvegarde ne correspondait pas à ce pack, { $n ->
    [one] une correction
   *[other] { $n } corrections
} : { $what }
tuih-signal = Arrêté par un signal ({ $name }) : progression enregistrée.
tuih-lab-not-whole = { $field } doit être un nombre entier

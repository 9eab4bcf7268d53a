# Mode examen : une épreuve scellée (issue 13).

exam-name-title = Examen
exam-name-prompt = Votre nom, tel que l'enseignant doit le lire dans le rapport :
exam-name-keys = Entrée : commencer l'épreuve (le chrono démarre)
exam-name-empty = Tapez d'abord votre nom.
exam-confirm-submit-unanswered = { $count ->
    [one] Remettre l'épreuve ? 1 question est sans réponse. Les réponses ne pourront plus changer.
   *[other] Remettre l'épreuve ? { $count } questions sont sans réponse. Les réponses ne pourront plus changer.
}
exam-field-shape-forms = formes : CxHxW, (C, H, W) ou C H W — ex. 1x8x8
exam-model-sealed = Le code du modèle. Ses comptes et ses formes sont affichés une fois l'épreuve remise.
exam-lab-title-validation = Labo validation : perte d'entraînement et de validation par époque
exam-lab-no-cuda = Cette version n'a pas CUDA : seul le CPU est mesuré.
exam-state-to-grade = à corriger
exam-report-student = Étudiant·e : { $name }
exam-report-to-grade = à corriger par l'enseignant

# Exam mode: a sealed attempt (issue 13).

exam-name-title = Exam
exam-name-prompt = Your name, as the teacher should read it in the report:
exam-name-keys = Enter: start the exam (the clock starts)
exam-name-empty = Type your name first.
exam-confirm-submit-unanswered = { $count ->
    [one] Submit the exam? 1 question is unanswered. Answers can no longer change.
   *[other] Submit the exam? { $count } questions are unanswered. Answers can no longer change.
}
exam-field-shape-forms = forms: CxHxW, (C, H, W) or C H W — e.g. 1x8x8
exam-model-sealed = The model's code. Its counts and shapes are shown after the exam is submitted.
exam-lab-title-validation = Validation lab: training and validation loss per epoch
exam-lab-no-cuda = This build has no CUDA, so only the CPU is measured.
exam-state-to-grade = to grade
exam-report-student = Student: { $name }
exam-report-to-grade = to grade by the teacher

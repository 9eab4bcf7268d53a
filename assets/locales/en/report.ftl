# Exam reports as evidence, `mltutor grade` and `mltutor results` (src/core/report.rs,
# src/core/grading_file.rs, src/core/results.rs, src/cli/grade.rs, src/cli/results.rs).

## Reading a report
report-error-io = { $path }: { $why }
report-error-too-large = the file has { $size } bytes, more than the { $limit } allowed
report-error-json = not a report (JSON, line { $line }, column { $col }): { $why }
report-error-schema = report schema { $found } is not supported (this mltutor reads schema { $supported })
report-error-invalid = field `{ $field }`: { $why }
report-invalid-time = not an RFC 3339 UTC time (for example 2024-11-22T09:15:00Z)
report-invalid-too-many = more than { $max } entries
report-invalid-points = not a number of points above 0 and at most { $max }
report-invalid-score = not a number between 0 and the question's points
report-invalid-duration = longer than ten years
report-invalid-out-of-sum = not the sum of the questions' points
report-invalid-total = not a number between 0 and the points of the test

## How a score was computed
report-to-grade = to grade
report-how-to-grade = to grade by the teacher
report-how-teacher = graded by the teacher
report-how-unanswered = not answered
report-how-unreadable = unreadable: { $why }
report-how-key-points = self-rated: { $ticked } of { $total } key points
report-how-choices = { $right } of { $needed } correct { $needed ->
    [one] option
   *[other] options
}, { $wrong } wrong
report-how-number-right = { $got } accepted
report-how-number-wrong = { $got }, expected { $expected }
report-how-order = { $in_order } of { $total } steps in order
report-how-count = computed: { $total } parameters counted from the model
report-how-shape-right = computed: output shape { $shape } from the model
report-how-shape-wrong = computed: output shape { $expected } from the model, answered { $got }
report-how-runs = the model runs on { $input }
report-how-breaks = the model breaks on { $input }

## The Markdown report
report-md-student = Student: { $student }
report-md-times = Started { $started }, ended { $ended } (UTC)
report-md-pack = Pack `{ $pack }` ({ $language }), SHA-256 { $hash }
report-md-version = mltutor { $version }, { $mode } mode
report-md-header = | Question | Title | Score | How | Hints | Time |
report-md-total = **Total: { $total } / { $out_of }**{ $to_grade ->
    [0] {""}
    [one] {" "}(1 question to grade)
   *[other] {" "}({ $to_grade } questions to grade)
}
report-md-answers = ## Answers
report-md-question = ### { $number }. { $title } — { $score }
report-md-no-answer = *Not answered.*
report-md-attempt = Attempt { $n }:

## The teacher's grading file
grade-file-line = line { $line }: { $why }
grade-file-header = the first line must be `student,question,score`, not `{ $found }`
grade-file-fields = { $found } fields where 3 are expected (student, question, score)
grade-file-quote = a quoted field is not closed, or text follows its closing quote
grade-file-score = `{ $text }` is not a score
grade-file-range = score { $score } is not between 0 and { $out_of }
grade-file-empty-student = no student name
grade-file-unknown-question = the pack has no question `{ $id }`
grade-file-not-open = question `{ $id }` is graded from its answer, not by the teacher
grade-file-duplicate = this student and question were already graded on line { $first }
grade-file-ron = { $why }

## mltutor grade
grade-report = { $file }: { $student } — { $total } / { $out_of }{ $to_grade ->
    [0] {""}
   *[other] , { $to_grade } to grade
}
grade-self-check = not an exam report (it says self-check): graded as an exam, open answers by the teacher
grade-hash-mismatch = taken on another version of the pack (report { $report }…, pack { $pack }…)
grade-unknown-question = question `{ $id }` is not in the pack
grade-edited = question { $number }: stored { $stored }, re-graded { $regraded } (edited?)
grade-total-edited = the stored total { $total } is not the sum of the stored scores (edited?)
grade-written = re-graded report written: { $json }, { $md }
grade-summary = { $reports ->
    [one] 1 report
   *[other] { $reports } reports
}, { $flagged } flagged, { $unusable } unusable.

## mltutor results
results-title = { $title } — { $students ->
    [one] 1 student
   *[other] { $students } students
}
results-stored = Scores as stored in the reports (not re-graded).
results-col-question = Question
results-col-facility = Facility
results-col-discrimination = Discrimination
results-col-n = n
results-histogram = Distribution of totals (out of { $out_of }):
results-wrong = Most common wrong answers (computed questions):
results-wrong-line = { $number }: { $answers }
results-wrong-item = `{ $answer }` × { $count }
results-csv-written = Gradebook written: { $path }
results-other-pack = { $file }: pack `{ $pack }` is another exam; left out
results-empty = { $dir } holds no usable report

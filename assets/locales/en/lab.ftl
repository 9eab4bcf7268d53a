# The training lab: its pace, its legend and what it says about settings and runs.

lab-field-speed = speed
lab-bad-speed = `{ $text }`? use { $speeds }
lab-not-started = not started: { $errors }
lab-lr-proposed = learning rate set to { $lr }, the usual one for { $optimizer }
lab-lr-kept = learning rate { $lr } kept (you typed it); { $optimizer } usually takes { $usual }
lab-legend-train = training loss
lab-legend-val = validation loss
lab-key-start-stop = start / stop

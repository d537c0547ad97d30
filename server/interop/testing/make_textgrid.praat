# Usage: praat_nogui --no-pref-files --run /abs/make_textgrid.praat /abs/long.TextGrid /abs/short.TextGrid
# Builds a small TextGrid in Praat itself and saves it with Praat's default text settings (ASCII
# when possible, else UTF-16 with BOM) in the long and the short text format.
form Make
  sentence longpath
  sentence shortpath
endform
tg = Create TextGrid: 0, 4, "A B bell", "bell"
Set tier name: 1, "A - transcript"
Set tier name: 2, "Mary"
Insert boundary: 1, 1.25
Insert boundary: 1, 2.5
Set interval text: 1, 2, "他说""你好"" ok"
Set interval text: 1, 3, "line1" + newline$ + "line2 \ tab" + tab$ + "!"
Insert boundary: 2, 0.5
Insert boundary: 2, 3.75
Set interval text: 2, 2, "粤语 ümlaut"
Insert point: 3, 1.5, "click"
Save as text file: longpath$
Save as short text file: shortpath$

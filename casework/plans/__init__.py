"""The EHC plan as structured data (issue 15): the national template's sections and parts
(`template.py`), a plan's content checked against it, and the plain findings a good plan
avoids (`findings.py`). Screens, versions and the family's comments build on these."""

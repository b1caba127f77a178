"""The look every app shares: templates and Sass (base/, and a council's own folder),
and the GOV.UK form rendering (forms.py: the renderer and widgets; dates.py: the date
field and the GOV.UK long date). The bottom layer: it imports no app of the project."""

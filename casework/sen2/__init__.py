"""The SEN2 return (issue 17): the specification as data (spec.py) and the files a
council sends the DfE (files.py). What the casework says goes in is read by
casework.selectors.sen2; a run is started and kept by casework.services.sen2."""

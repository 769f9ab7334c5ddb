"""One file per schema step, ``<step>_<name>.py``; the revision id is the step number (``0007``)."""

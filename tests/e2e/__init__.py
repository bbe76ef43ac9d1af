"""End-to-end tests under a real headless desktop (see tests/desktop.py). A package, so this
folder's conftest does not shadow tests/conftest.py as the module named `conftest`."""

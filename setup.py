"""The wheel carries the features, their steps and the root conftest under ``harness/suite/``, so an
installed harness runs ``zoom-harness run`` outside a checkout (``harness.certify.run.suite_folder``).
Everything else about the package is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithSuite(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs them from the checkout
        suite = Path(self.build_lib) / "harness" / "suite"
        for folder in ("features", "steps"):
            shutil.copytree(folder, suite / folder, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        shutil.copy2("conftest.py", suite / "conftest.py")


setup(cmdclass={"build_py": BuildWithSuite})

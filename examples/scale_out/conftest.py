"""Make the recipe importable from its test (it is a file to copy, not an installed package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

"""How the docs tests read a page: what runs, and what a page must say to skip a block."""

from __future__ import annotations

from pathlib import Path

import pytest
from sybil import Sybil
from sybil.evaluators.python import PythonEvaluator

PAGE = """# A page

```python
x = 1
```

<!-- skip: next {reason} -->

```python
needs_a_real_account()
```

```bash
partnerkit demo
```
"""


def test_a_skip_without_a_reason_is_refused(docs_sybil: Sybil, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE.format(reason=""), encoding="utf-8")
    with pytest.raises(ValueError, match=r"page.md, line 7: `skip: next` needs a reason"):
        docs_sybil.parse(page)


def test_python_blocks_run_and_a_skip_names_its_reason(docs_sybil: Sybil, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE.format(reason='"needs a real account"'), encoding="utf-8")
    examples = list(docs_sybil.parse(page).examples())
    code = [e for e in examples if isinstance(e.region.evaluator, PythonEvaluator)]
    assert [e.line for e in code] == [3, 9]  # the bash block is not run
    skips = [e for e in examples if e not in code]
    assert [e.parsed for e in skips] == [("next", '"needs a real account"')]

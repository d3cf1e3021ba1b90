"""Turn the fourteenth corpus as written (term and count per passage) into spans in ../passages/.

The same conversion as the second corpus's (heldout2/as_written/to_spans.py), run on this folder.
"""

import pathlib
import runpy

HERE = pathlib.Path(__file__).resolve().parent

if __name__ == "__main__":
    to_spans = runpy.run_path(str(HERE.parents[1] / "heldout2" / "as_written" / "to_spans.py"))["main"]
    raise SystemExit(to_spans(HERE, HERE.parent / "passages"))

"""Save-to-page time of `jdlspec preview`: from saving a text edit of the spec to the open page showing it.

The real program serves a copy of specs/lpt.yaml; headless Chromium (driven as the browser tests drive it,
tests/preview/chromium_cdp.py) shows the preview page. Once the first report is up, the summary is edited
and saved `--edits` times; each time is measured from the file's save to the report in the page's frame
holding the new words, the page polled every 20 ms. Not a test: timings depend on the machine. From the
repository root:

    python benchmarks/preview_latency.py --edits 10

`--screenshot docs/preview.png` also saves the page as the README shows it: a typo in the spec, its message
above the last good report (1000 x 640 pixels, reduced to 64 colours).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "preview"))

from chromium_cdp import CHROMIUM, Chromium  # noqa: E402
from serving import interrupt, start, workspace  # noqa: E402

FRAME = "document.getElementById('report').contentDocument.body.innerText"


def shows(text: str) -> str:
    return f"(() => {{ try {{ return {FRAME}.includes({json.dumps(text)}); }} catch (e) {{ return false; }} }})()"


def save_screenshot(browser: Chromium, path: Path) -> None:
    import io

    from PIL import Image

    time.sleep(1)  # the frame's report painted
    image = Image.open(io.BytesIO(browser.screenshot())).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"saved {path} ({path.stat().st_size:,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--screenshot", type=Path, help="save the page with a typo's message as this PNG")
    arguments = parser.parse_args()
    if CHROMIUM is None:
        sys.exit("needs chromium on the PATH (apt-get install chromium)")
    size = (1000, 640) if arguments.screenshot else (1200, 900)
    with tempfile.TemporaryDirectory(prefix="jdlspec-preview-bench-") as folder:
        os.environ["JDLSPEC_CACHE_DIR"] = str(Path(folder) / "cache")
        spec = workspace(Path(folder))
        process, url = start(spec.parent, "preview", "lpt.yaml")
        try:
            with Chromium(Path(folder) / "profile", *size) as browser:
                started = time.perf_counter()
                browser.open(url)
                browser.wait_for(shows("giving practical help"), timeout=900)
                print(f"first report (statistics included): {time.perf_counter() - started:.1f} s")
                original = spec.read_text(encoding="utf-8")
                times = []
                for number in range(arguments.edits):
                    word = f"edit{number}"
                    spec.write_text(original.replace("giving practical help", f"giving {word} practical help"),
                                    encoding="utf-8")
                    saved = time.perf_counter()
                    browser.wait_for(shows(f"giving {word} practical help"), timeout=120, every=0.02)
                    times.append(time.perf_counter() - saved)
                    time.sleep(0.5)
                if arguments.screenshot:
                    spec.write_text(original.replace("  caliper: 0.2", "  caliper: 0,2"), encoding="utf-8")
                    browser.wait_for("!document.getElementById('problems').hidden", timeout=120)
                    save_screenshot(browser, arguments.screenshot)
        finally:
            interrupt(process)
    print("save to page, each edit (s): " + ", ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s, over {len(times)} edits")


if __name__ == "__main__":
    main()

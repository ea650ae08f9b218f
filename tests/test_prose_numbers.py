"""The prose-number check (tools/check_prose_numbers.py): it finds numbers in the prose that
drifted from the run, and lets through what a run backs, quotes and MNIST's structure."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from project_tools import tool

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "check_prose_numbers.py"

prose = tool("check_prose_numbers")


def code(source, printed=""):
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)] if printed else []
    return nbformat.v4.new_code_cell(source, outputs=outputs)


def md(text):
    return nbformat.v4.new_markdown_cell(text)


def findings(tmp_path, *cells, name="05_demo.ipynb"):
    """The numbers the check finds unbacked in a notebook made of these cells."""
    nb = nbformat.v4.new_notebook(cells=[md("# 05 A demo"), *cells])
    nbformat.write(nb, tmp_path / name)
    return [f.number for f in prose.check_notebook(tmp_path / name)]


TRAINING = code(
    "history = net.SGD(training, 30, 10, 3.0)\n"
    'print(f"training took {sum(history.seconds):.1f} s")',
    "training took 14.2 s\n",
)


def test_a_run_time_must_be_the_one_printed(tmp_path):
    """05 said "Training took a minute" while its cell printed about 14 s."""
    assert findings(tmp_path, md("## 6. Training"), TRAINING, md("Training took a minute.")) == [
        "a minute"
    ]
    assert findings(tmp_path, md("## 6. Training"), TRAINING, md("Training took 14 s.")) == []
    assert findings(tmp_path, md("## 6. Training"), md("It takes a few seconds.")) == [
        "a few seconds"
    ]


def test_a_count_must_match_the_code(tmp_path):
    """05 said "Four more seeds" while its code ran three."""
    seeds = code("for seed in (1, 2, 3):\n    bests[seed] = train(seed)")
    assert findings(tmp_path, md("## 9. Seeds"), md("Four more seeds, same settings:"), seeds) == [
        "Four more seeds"
    ]
    assert (
        findings(tmp_path, md("## 9. Seeds"), md("Three more seeds, same settings:"), seeds) == []
    )


def test_a_vague_amount_must_fit_what_is_printed(tmp_path):
    """08 said "a few points worse" for 82.0% against 89.5%: 7.5 points."""
    scores = code("print(...)", "touching: 82.0%, apart: 89.5%\n")
    assert findings(tmp_path, md("## 7. Results"), scores, md("It does a few points worse.")) == [
        "a few points"
    ]
    gap = code("print(...)", "apart - touching: 7.5 percentage points\n")
    assert findings(tmp_path, md("## 7. Results"), gap, md("It does 7.5 points worse.")) == []
    small_gap = code("print(...)", "one-hot wins by 3.21 percentage points\n")
    assert findings(tmp_path, md("## 7. Results"), small_gap, md("It wins by a few points.")) == []


def test_steps_and_factors_written_in_the_code(tmp_path):
    grid = code("w_values = np.array([0.3, 0.4, 0.5, 0.6])")
    assert findings(tmp_path, md("## 1. Steps"), md("w grows in steps of 0.1."), grid) == []
    assert findings(tmp_path, md("## 1. Steps"), md("w grows in steps of 0.2."), grid) == ["0.2"]
    factor = code("assert 5 * first_saturated < first_good")
    sentence = md("The first step is several times smaller.")
    assert findings(tmp_path, md("## 2. Saturation"), sentence, factor) == []
    assert findings(tmp_path, md("## 2. Saturation"), sentence) == ["several times"]


def test_a_result_must_be_printed_or_asserted(tmp_path):
    run = code("print(f'{best / 100:.2f}%')\nassert best >= 9450", "95.61%\n")
    section = md("## 6. Run")
    assert findings(tmp_path, section, run, md("It reaches 95.61%.")) == []
    assert findings(tmp_path, section, run, md("It reaches 96%.")) == []  # 95.61 rounds to 96
    assert findings(tmp_path, section, run, md("It reaches about 95%.")) == []
    assert findings(tmp_path, section, run, md("It reaches 97.31%.")) == ["97.31%"]
    assert findings(tmp_path, section, run, md("At least 94.5% is checked.")) == []  # the bound


def test_an_asserted_range_backs_about(tmp_path):
    blank = code("blank = np.mean(pixels == 0)\nassert 0.80 < blank < 0.82")
    section = md("## 3. Pixels")
    assert findings(tmp_path, section, blank, md("About 81% of all pixels are 0.")) == []
    assert findings(tmp_path, section, blank, md("About 70% of all pixels are 0.")) == ["70%"]
    loose = code("assert 0.5 < blank < 0.99")  # too wide to back "about 81%"
    assert findings(tmp_path, section, loose, md("About 81% of all pixels are 0.")) == ["81%"]


def test_quotes_structure_and_settings_pass(tmp_path):
    cells = [
        md("## 1. Setup"),
        code("net.SGD(training, 30, 10, 3.0)"),
        md(
            "The lecture reaches 95.42% with η = 3.0 over 30 epochs. Each image has "
            "784 = 28 × 28 pixels; the split is 50,000 / 10,000 / 10,000. In 2013 the record "
            "was set (Wan et al., 99.79%)."
        ),
    ]
    assert findings(tmp_path, *cells) == []
    assert findings(tmp_path, md("## 1. Setup"), code("x = 1"), md("We use η = 2.5.")) == ["2.5"]


def test_the_introduction_may_cite_the_whole_notebook(tmp_path):
    cells = [md("It reaches 95.61% in this notebook."), md("## 6. Run"), code("...", "95.61%\n")]
    assert findings(tmp_path, *cells) == []
    late = [md("## 1. Start"), md("It reaches 95.61%."), md("## 6. Run"), code("...", "95.61%\n")]
    assert findings(tmp_path, *late) == ["95.61%"]  # a section cites its own code only
    table = [md("## 6. Run"), code("...", "95.61%\n"), md("## 7. All"), md("| run | 95.61% |")]
    assert findings(tmp_path, *table) == []  # a table sums up the whole notebook


def test_exercises_are_not_checked(tmp_path):
    cells = [md("## Exercises\n\n**1.** With 50,000 images and m = 17, how many steps?")]
    assert findings(tmp_path, *cells) == []


def test_a_sentence_naming_a_notebook_is_checked_against_it(tmp_path):
    other = nbformat.v4.new_notebook(
        cells=[md("# 05"), code("print(n)", "parameters to learn: 23860\n")]
    )
    nbformat.write(other, tmp_path / "05_network.ipynb")
    sentence = "Newton's step for the {} parameters of notebook 05 needs their Hessian."
    cells = [md("## 8. Newton"), md(sentence.format("23,860"))]
    assert findings(tmp_path, *cells, name="01_demo.ipynb") == []
    cells = [md("## 8. Newton"), md(sentence.format("23,820"))]
    assert findings(tmp_path, *cells, name="01_demo.ipynb") == ["23,820"]


def test_the_command_line_exit_status(tmp_path):
    nbformat.write(
        nbformat.v4.new_notebook(cells=[md("# 05"), md("## 1. Run"), md("It took a minute.")]),
        tmp_path / "05_demo.ipynb",
    )
    run = subprocess.run([sys.executable, TOOL, tmp_path], capture_output=True, text=True)
    assert run.returncode == 1 and "05_demo cell 2: 'a minute'" in run.stdout
    (tmp_path / "05_demo.ipynb").unlink()
    assert subprocess.run([sys.executable, TOOL, tmp_path], capture_output=True).returncode == 0


# the prose states what the notebooks print at the versions the series is written for: at
# the lowest versions a training run's last digits differ (another numpy, another BLAS),
# so its printed numbers do too, and the lowest-version job leaves this check out
@pytest.mark.main_job
@pytest.mark.after_notebooks
def test_the_series_prose_is_backed():
    """Every run-dependent number in the series' prose is backed.  It reads the executed
    copies in build/executed/ that the notebook run of `make test` leaves (the root
    conftest.py); a notebook without an up-to-date copy there is executed first, in a fresh
    kernel (tools/build_slides.py's executed_copy: minutes for the series), so the check
    never passes for want of copies.  $LECTURES_EXECUTED_NOTEBOOKS names another folder of
    executed notebooks to check instead, which must hold some."""
    other = os.environ.get("LECTURES_EXECUTED_NOTEBOOKS")
    if other:
        paths = sorted(Path(other).glob("[0-9][0-9]_*.ipynb"))
        assert paths, f"no executed notebooks NN_*.ipynb in {other}"
    else:
        build_slides = tool("build_slides")
        paths = []
        for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            build_slides.executed_copy(notebook)  # up to date in build_slides.EXECUTED
            paths.append(build_slides.EXECUTED / notebook.name)
    found = [str(f) for path in paths for f in prose.check_notebook(path)]
    assert not found, "\n".join(found)


def test_a_link_to_a_notebook_names_it(tmp_path):
    """00's contents table: "[11 Draw your own digit](11_draw_your_own_digit.ipynb)" names
    notebook 11; the same number outside such a link is still a number to back."""
    table = "| [11 Draw your own digit](11_draw_your_own_digit.ipynb) | a drawing pad |"
    assert findings(tmp_path, md("## Contents\n\n" + table), name="00_demo.ipynb") == []
    unlinked = "| [11 Draw your own digit](12_other.ipynb) | a drawing pad |"
    assert findings(tmp_path, md("## Contents\n\n" + unlinked), name="00_demo.ipynb") == ["11"]


def test_decades_are_not_numbers(tmp_path):
    """The decade "the 1980s" was read as the number 198; a decade is a time, not a result."""
    history = md(
        "Networks like this one fell out of fashion in the 1980s; in the 80s and the '90s "
        "SVMs led, and in the 1990’s and the 2010's networks came back."
    )
    assert findings(tmp_path, md("## 1. History"), history) == []
    mixed = md("A network of the 1980s would read 97% of these 130 images.")
    assert findings(tmp_path, md("## 1. History"), mixed) == ["97%", "130"]

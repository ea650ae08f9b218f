"""Find numbers in notebook prose that a run produces but nothing in the notebook backs.

    python tools/check_prose_numbers.py FOLDER          # every executed NN_*.ipynb in FOLDER
    python tools/check_prose_numbers.py A.ipynb B.ipynb  # these (executed) notebooks

The rule (README.md): a number in a markdown cell that a run produces is printed by the
code beside it or asserted there; a quoted number says whose it is; no run time in prose
unless a cell measures it.  The notebooks must have been executed (outputs saved), e.g.
``jupyter nbconvert --to notebook --execute --output-dir /tmp/run notebooks/*.ipynb``.
Exit status 1 when anything is found; each finding names the notebook, the cell, the
number as written and the sentence.

RULES

Where.  Headings split a notebook into sections.  Prose is checked against its own
section's code cells: their source and what they print (stdout, plain-text results).
The introduction (before the first "##"), a summary ("What we learned", "Summary") and
table rows (tables sum up) are checked against the whole notebook.  A sentence naming
"notebook NN" is also checked against notebook NN when it is in the folder.  Exercise
sections and navigation cells are skipped (an exercise's numbers are its givens).  Code
spans, math, links' targets and HTML are not prose.

What is checked.
  1. Numbers written in digits: 95.42%, 23,860, 0.001, 1.5 points, 14 s.
  2. Number words that count what a run chooses or makes: "four more seeds", "three
     random starts", "ten epochs" (a word in WORDS before one in COUNTED, at most two
     words apart); counts of what a network is ("four bits", "30 hidden neurons":
     SHAPE_NOUNS) are settings.  "N times" only in digits above 10 ("3,000 times smaller"); "ten
     times smaller" is arithmetic.
  3. Durations: "14 s", "a minute", "in seconds", "takes minutes".
  4. Vague amounts of a unit: "a few points", "several percent", "a couple of seconds".

Not checked: whole numbers 0-10 written in digits (digit labels, "2-D", seeds); years;
decades ("the 1980s", "the 80s", "the '90s", "the 80's");
bit patterns (1011); "ten outputs" and "ten digits" (MNIST's ten classes);
numbers naming something ("notebook 05", "section 4", "chapter 3", "version 0.22");
STRUCTURE (MNIST's shape and splits) and QUOTED (numbers from the lecture, Nielsen,
papers, each with its source); every number in a sentence that names its source
(QUOTE_MARKERS: "the lecture's 95.42%", "Nielsen reports ...").

Backed when.
  a. A number equals one the section prints or writes as a literal in its code (a
     setting such as eta = 3.0, a bound in an assert, the length of a tuple such as the
     seeds (1, 2, 3)), at the precision the prose writes it: "96%" is backed by 96.31.
     A percentage, or any number with decimals, may also be printed as a fraction or
     out of 10,000: "95.42%" by 0.9542 or 9542, "at most 1.5" (points) by
     ``assert spread <= 150``.  After "about", "≈", "nearly", "over", ... (APPROXIMATE)
     5% either way will do, and so does a range asserted in the code
     (``assert 0.80 < blank < 0.82`` backs "about 81%"), and so does the step of evenly
     spaced numbers written out ("steps of 0.1" for [0.3, 0.4, 0.5]).  A setting
     written "name = value" ("η = 0.2", "m = 10") may be backed anywhere in the notebook.
  b. A whole number above 10 may be the product or ratio of two numbers written in the
     code or STRUCTURE, 0 and 1 aside (5,000 mini-batches = 50,000 / 10; the first 24
     digits = a grid of 3 x 8).
  c. A duration only by a duration the section prints ("took 14.2 s"): "14 s" at its
     precision, "a minute" 30-90 s, "a few seconds" 2-10 s, "seconds" under a minute,
     "minutes" 1-60 minutes.
  d. A vague amount only by a printed number with the same unit in its range: "a couple"
     2-3, "a few" 2-5, "several" 3-9; "several times" also by a number in an assert
     (``assert 5 * small < large``).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

STRUCTURE = {784, 28, 20, 255, 60_000, 50_000, 10_000, 70_000}
"""MNIST: 28 x 28 = 784 pixels, fitted in 20 x 20, grey levels to 255, the splits."""

QUOTED = {
    95.42: "the lecture: [784, 30, 10], best epoch",
    96.59: "the lecture: [784, 100, 10], best epoch",
    22.25: "the lecture: average darkness",
    94.35: "the lecture: SVM with scikit-learn's defaults",
    1139: "the lecture: eta = 0.001, first epoch",
    2142: "the lecture: eta = 0.001, last epoch",
    99.79: "Wan et al. 2013, DropConnect: the MNIST record",
    98.5: "a tuned SVM (LeCun's MNIST page: about 98.5-99.4%)",
}
"""Quoted constants; the lead keeps this list short and says whose each number is."""

QUOTE_MARKERS = re.compile(
    r"lecture|slide|Nielsen|\bbook\b|\bchapter\b|et al\.|\bpaper\b|LeCun|published", re.I
)
APPROXIMATE = re.compile(
    r"(about|around|roughly|approximately|nearly|almost|some|close to|over|more than|"
    r"less than|under|below|above|at least|at most|up to|≈|~)\s*$",
    re.I,
)
SETTING = re.compile(r"(^|\s)[^\W\d]\w*\s?=\s?$")  # "η = 0.2", "m = 10", not "C = 4e-7"...
NAMING = re.compile(
    r"(notebooks?|sections?|chapters?|exercises?|version|python|items?|cells?|issue)\s*$", re.I
)
RUN_NOUNS = "seeds|starts|runs|epochs|steps|passes|images|examples|trials|batches|mini-batches"
SHAPE_NOUNS = "neurons|outputs|bits|layers|digits"  # what a network is: like a setting
COUNTED = f"{RUN_NOUNS}|{SHAPE_NOUNS}|times"
WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100, "a thousand": 1000,
}  # fmt: skip
VAGUE = {"a couple of": (2, 3), "a couple": (2, 3), "a few": (2, 5), "several": (3, 9)}
UNITS = {  # a unit as prose writes it -> its family, for vague amounts
    "%": "%", "percent": "%", "percentage points": "points", "points": "points",
    "units": "units", "times": "times",
}  # fmt: skip
DURATIONS = {  # words -> (shortest, longest) in seconds
    "a second": (0.5, 2), "a few seconds": (2, 10), "several seconds": (3, 15),
    "seconds": (0, 60), "a minute": (30, 90), "a few minutes": (90, 600),
    "minutes": (60, 3600), "an hour": (1800, 7200),
}  # fmt: skip
PLOT_KEYWORDS = {"figsize", "fontsize", "alpha", "linewidth", "lw", "s", "dpi", "markersize"}

NUMBER = re.compile(
    r"(?<![\w.,/-])(?P<value>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?(?![\w,]\d|\.\d|[a-zA-Z\d])"
    r"(?P<unit>\s?(?:%|percentage points|percent|points|units|times|s\b|seconds?|minutes?))?"
)
DECADE = re.compile(r"['’]s\b")  # after a number: "the 80's", "the 1980’s"
PRINTED_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")
PRINTED_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s?(s|sec|seconds|min|minutes)\b")


@dataclass(frozen=True)
class Finding:
    notebook: str
    cell: int
    number: str
    why: str
    sentence: str

    def __str__(self):
        return f"{self.notebook} cell {self.cell}: {self.number!r} {self.why}\n    {self.sentence}"


@dataclass
class Backing:
    """What a part of a notebook shows: numbers printed, literals in its code, asserted
    ranges, printed durations (seconds) and printed amounts per unit family."""

    printed: set
    literals: set
    ranges: list
    durations: list
    amounts: dict

    def __or__(self, other):
        amounts = {k: self.amounts.get(k, []) + other.amounts.get(k, []) for k in UNITS.values()}
        return Backing(
            self.printed | other.printed,
            self.literals | other.literals,
            self.ranges + other.ranges,
            self.durations + other.durations,
            amounts,
        )


# --- reading a notebook: sections of prose and what their code shows --------------------


def load(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def sections(nb) -> list[dict]:
    """[{"title", "prose": [(cell index, text)], "code": [cell]}] in order."""
    found = [{"title": "", "prose": [], "code": []}]
    for index, cell in enumerate(nb["cells"]):
        source = "".join(cell["source"])
        if "navigation" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell["cell_type"] == "code":
            found[-1]["code"].append(cell)
            continue
        for part in re.split(r"(?m)^(?=#{1,6} )", source):
            if re.match(r"#{2,6} ", part):
                title = part.splitlines()[0].lstrip("#").strip()
                found.append({"title": title, "prose": [], "code": []})
            found[-1]["prose"].append((index, part))
    return found


def backing(cells) -> Backing:
    """Everything the code cells print or write that prose may lean on."""
    printed, literals, ranges, durations = set(), set(), [], []
    amounts = {family: [] for family in UNITS.values()}
    for cell in cells:
        text = printed_text(cell)
        printed |= {float(n.replace(",", "")) for n in PRINTED_NUMBER.findall(text)}
        for value, unit in PRINTED_DURATION.findall(text):
            durations.append(float(value) * (60 if unit.startswith("min") else 1))
        for match in NUMBER.finditer(text):
            family = UNITS.get((match["unit"] or "").strip())
            if family:
                amounts[family].append(number_value(match))
        tree = parse("".join(cell["source"]))
        literals |= code_literals(tree)
        ranges += asserted_ranges(tree)
        amounts["times"] += asserted_numbers(tree)  # assert 5 * small < large: "several times"
    return Backing(printed, literals, ranges, durations, amounts)


def printed_text(cell) -> str:
    """What a code cell printed: stdout and plain-text results (not figures' reprs)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append("".join(out["text"]))
        elif "data" in out and "image/png" not in out["data"]:
            parts.append("".join(out["data"].get("text/plain", "")))
    return "\n".join(parts)


def parse(source: str):
    source = re.sub(r"(?m)^\s*[%!].*$", "", source)  # IPython magics are not Python
    try:
        return ast.parse(source)
    except SyntaxError:
        return ast.parse("")


def code_literals(tree) -> set:
    """Numbers written in the code (not a figure's size or font), and the lengths of the
    tuples, lists and dicts written there: ``for seed in (1, 2, 3)`` backs "three seeds"."""
    plotting = {
        id(node)
        for keyword in ast.walk(tree)
        if isinstance(keyword, ast.keyword) and keyword.arg in PLOT_KEYWORDS
        for node in ast.walk(keyword.value)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in plotting:
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            found.add(abs(float(node.value)))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            found.add(float(len(node.elts)))
            found |= even_spacing(node.elts)
        elif isinstance(node, ast.Dict):
            found.add(float(len(node.keys)))
    return found


def even_spacing(elements) -> set:
    """The step of evenly spaced numbers written out, as in [0.3, 0.4, 0.5]: {0.1}."""
    values = [_number(e) for e in elements]
    if len(values) < 3 or None in values:
        return set()
    steps = {round(b - a, 12) for a, b in zip(values, values[1:])}
    return {abs(steps.pop())} if len(steps) == 1 else set()


def asserted_numbers(tree) -> set:
    """Numbers written in assert statements: ``assert 5 * small < large`` checks "5 times"."""
    return {
        abs(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        for inner in ast.walk(node.test)
        if (value := _number(inner)) is not None
    }


def asserted_ranges(tree) -> list[tuple[float, float]]:
    """(low, high) of every ``assert low < x < high`` and ``assert abs(x - c) < tol``."""
    ranges = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        ends = [node.left, *node.comparators]
        if len(ends) == 3 and all(_number(e) is not None for e in (ends[0], ends[2])):
            ranges.append((_number(ends[0]), _number(ends[2])))
        elif (
            len(ends) == 2
            and isinstance(ends[0], ast.Call)
            and getattr(ends[0].func, "id", "") == "abs"
            and isinstance(ends[0].args[0], ast.BinOp)
            and _number(ends[0].args[0].right) is not None
            and _number(ends[1]) is not None
        ):
            centre, tolerance = _number(ends[0].args[0].right), _number(ends[1])
            ranges.append((centre - tolerance, centre + tolerance))
    return ranges


def _number(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    return None


# --- prose: sentences, and the claims in them ---------------------------------------------


@dataclass(frozen=True)
class Claim:
    """An amount as the prose states it: anything from ``low`` to ``high``."""

    written: str
    low: float
    high: float
    kind: str  # "number", "duration" or a unit family for a vague amount
    scales: tuple = (1.0,)  # a percentage may be printed as a fraction or out of 10,000
    whole: bool = False
    approximate: bool = False  # "about 95%"
    setting: bool = False  # "eta = 0.2": may be backed anywhere in the notebook


def sentences(markdown: str) -> list[str]:
    """The prose sentences of a markdown cell, without code, math, links' targets, HTML."""
    text = re.sub(r"```.*?```|\$\$.*?\$\$", " ", markdown, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$|`[^`]*`|<[^>]+>|https?://\S+", " ", text)
    text = re.sub(r"\[(\d\d)(?= [^]]*\]\(\1_)", r"[notebook \1", text)  # [11 Title](11_…)
    text = re.sub(r"\]\((\d\d)_[^)]*\)", r"] (notebook \1)", text)  # a link to a notebook
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"(?m)^#{1,6}\s*(\d+\.\s)?", "", text)  # heading marks, section numbers
    text = text.replace("*", "")
    pieces = re.split(r"\n\s*\n|\n(?=\s*(?:\||>|- |\d+\. ))|(?<=[.!?])\s+(?=[A-Z(\"“])", text)
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def claims(sentence: str) -> list[Claim]:
    """Every run-dependent amount the sentence states (see RULES in the docstring)."""
    return digit_claims(sentence) + word_claims(sentence) + phrase_claims(sentence)


def digit_claims(sentence: str) -> list[Claim]:
    found = []
    for match in NUMBER.finditer(sentence):
        before, unit = sentence[: match.start()], (match["unit"] or "").strip()
        value, step = number_value(match), 10.0 ** -len((match["decimals"] or ".")[1:])
        whole = not match["decimals"]
        if NAMING.search(before) or (whole and not unit and value <= 10):
            continue
        if whole and not unit and "," not in match[0] and 1900 <= value <= 2099:
            continue  # a year
        if whole and not unit and value % 10 == 0 and DECADE.match(sentence, match.end()):
            continue  # a decade: "the 80's" (NUMBER never matches "1980s" or "80s")
        if re.fullmatch(r"[01]{4,}", match["value"]):
            continue  # a bit pattern: 1011
        if not unit and value in STRUCTURE or value in QUOTED:
            continue
        if unit in ("times",) and whole and value <= 10:
            continue  # "ten times smaller": arithmetic, not a measurement
        if unit in ("s", "second", "seconds", "minute", "minutes"):
            seconds = 60 if unit.startswith("minute") else 1
            low, high = (value - step / 2) * seconds, (value + step / 2) * seconds
            found.append(Claim(match[0], low, high, "duration"))
            continue
        approximate = bool(APPROXIMATE.search(before))
        tolerance = max(step / 2, 0.05 * value if approximate else 0)
        percent = UNITS.get(unit) in ("%", "points") or not whole  # "at most 1.5" (points)
        scales = (1.0, 0.01, 100.0) if percent else (1.0,)
        low, high = value - tolerance, value + tolerance
        setting = bool(SETTING.search(before))
        found.append(Claim(match[0], low, high, "number", scales, whole, approximate, setting))
    return found


def word_claims(sentence: str) -> list[Claim]:
    """Number words that count what a run chooses or makes: "four more seeds"."""
    pattern = rf"\b({'|'.join(WORDS)})\b((?:\s+[\w-]+){{0,2}}?)\s+({COUNTED})\b"
    found = []
    for match in re.finditer(pattern, sentence, re.I):
        if match[3].lower() == "times":
            continue  # "a hundred times smaller error": arithmetic, not a measurement
        value, shape = WORDS[match[1].lower()], re.fullmatch(SHAPE_NOUNS, match[3], re.I)
        if shape and value == 10 and match[3].lower() in ("outputs", "digits", "neurons"):
            continue  # MNIST's ten digits, one output neuron each
        found.append(Claim(match[0], value, value, "number", whole=True, setting=bool(shape)))
    return found


def phrase_claims(sentence: str) -> list[Claim]:
    """Durations in words ("ten seconds", "a minute", "in seconds") and vague amounts
    ("a few points").  Each stretch of the sentence counts once."""
    found = []
    rest = re.sub(r"\d[\d.,]*\s?(seconds?|minutes?|s\b)", " ", sentence)  # digit_claims'
    counted = rf"\b({'|'.join(WORDS)})\s+(seconds|minutes)\b"
    for match in re.finditer(counted, rest, re.I):
        value = WORDS[match[1].lower()] * (60 if match[2].lower() == "minutes" else 1)
        found.append(Claim(match[0], 0.5 * value, 1.5 * value, "duration"))
    rest = re.sub(counted, " ", rest, flags=re.I)
    for phrase, (low, high) in sorted(DURATIONS.items(), key=lambda item: -len(item[0])):
        if re.search(rf"\b{phrase}\b", rest, re.I):
            found.append(Claim(phrase, low, high, "duration"))
            rest = re.sub(rf"\b{phrase}\b", " ", rest, flags=re.I)
    units = "|".join(sorted(UNITS, key=len, reverse=True))
    for match in re.finditer(rf"\b({'|'.join(VAGUE)})\s+(?:more\s+)?({units})", rest, re.I):
        low, high = VAGUE[match[1].lower()]
        found.append(Claim(match[0], low, high, UNITS[match[2].lower()]))
    return found


def number_value(match) -> float:
    return float(match["value"].replace(",", "") + (match["decimals"] or ""))


# --- backing -------------------------------------------------------------------------------


def is_backed(claim: Claim, back: Backing) -> bool:
    if claim.kind == "duration":
        return any(claim.low <= d <= claim.high for d in back.durations)
    if claim.kind != "number":  # a vague amount: a printed number of its unit, in range
        return any(claim.low <= v <= claim.high for v in back.amounts.get(claim.kind, []))
    for scale in claim.scales:
        low, high = claim.low * scale, claim.high * scale
        slack = 1e-9 * max(1.0, abs(high))
        if any(low - slack <= v <= high + slack for v in back.printed | back.literals):
            return True
        if any(within(claim, scale, lo, hi) for lo, hi in back.ranges):
            return True
    return claim.whole and claim.low > 10 and is_derived(claim, back.literals | STRUCTURE)


def within(claim: Claim, scale: float, lo: float, hi: float) -> bool:
    """An asserted range lo < x < hi backs a claim when it holds the claim's value and is
    about as narrow as the claim: its own tolerance, or 10% either way after "about"."""
    centre, tolerance = (claim.low + claim.high) / 2, (claim.high - claim.low) / 2
    allowed = max(tolerance, 0.1 * centre if claim.approximate else 0) * scale
    return lo <= centre * scale <= hi and (hi - lo) / 2 <= allowed


def is_derived(claim: Claim, numbers) -> bool:
    """The product or ratio of two settings or structural numbers (not 0 or 1)."""
    numbers = [n for n in numbers if n not in (0.0, 1.0)]
    for a in numbers:
        for b in numbers:
            if any(claim.low <= v <= claim.high for v in (a * b, a / b)):
                return True
    return False


# --- the check -----------------------------------------------------------------------------


def check_notebook(path, folder=None) -> list[Finding]:
    """Every unbacked claim in the prose of the executed notebook at ``path``."""
    path = Path(path)
    nb = load(path)
    whole = backing(c for c in nb["cells"] if c["cell_type"] == "code")
    found = []
    for number, section in enumerate(sections(nb)):
        if re.search(r"exercise", section["title"], re.I):
            continue
        overview = number == 0 or re.search(r"what we learned|summary", section["title"], re.I)
        back = whole if overview else backing(section["code"])
        for cell, text in section["prose"]:
            for sentence in sentences(text):
                if QUOTE_MARKERS.search(sentence):
                    continue
                table_row = sentence.startswith("|")  # a table sums up the notebook
                here = (whole if table_row else back) | cross_references(sentence, path, folder)
                found += [
                    Finding(path.stem, cell, claim.written, reason(claim), shorten(sentence))
                    for claim in claims(sentence)
                    if not is_backed(claim, here | whole if claim.setting else here)
                ]
    return found


def cross_references(sentence, path, folder) -> Backing:
    """What the notebooks a sentence names ("notebook 05") show, if they are at hand."""
    back = Backing(set(), set(), [], [], {})
    for number in re.findall(r"\bnotebooks? (\d\d)\b", sentence, re.I):
        for other in Path(folder or path.parent).glob(f"{number}_*.ipynb"):
            if other != path:
                cells = load(other)["cells"]
                back = back | backing(c for c in cells if c["cell_type"] == "code")
    return back


def reason(claim: Claim) -> str:
    if claim.kind == "duration":
        return "is a run time that no cell here measures and prints"
    if claim.kind != "number":
        return "is a vague amount that nothing here prints in that range; state the number"
    return "is printed, written or asserted nowhere in this section's code"


def shorten(sentence: str, limit: int = 160) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def notebooks(arguments) -> list[Path]:
    paths = []
    for argument in arguments:
        argument = Path(argument)
        paths += sorted(argument.glob("[0-9][0-9]_*.ipynb")) if argument.is_dir() else [argument]
    return paths


def main(arguments) -> int:
    if not arguments:
        print(__doc__.split("\n\n")[0])
        return 2
    findings = [f for path in notebooks(arguments) for f in check_notebook(path)]
    for finding in findings:
        print(finding)
    print(f"{len(findings)} unbacked number(s) in the prose" if findings else "all backed")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

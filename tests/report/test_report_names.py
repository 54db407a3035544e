"""Any programme name gives a report (issue 17, item 1): the engine never refuses its own sentences
because of the name they carry, however the name is escaped, and whatever the results.

Names are drawn from printable Unicode up to the spec's text limit, weighted towards what real UK
programme and organisation names use: punctuation that Markdown and HTML treat as markup
(`& ' ( ) [ ] < > / _ * % # + . :`), dashes, digits and percentages, Welsh and accented letters, and
slogans about offending that are names, not findings ("Choose Not To Offend"). Each name is the
programme's name, title and organisation at once, over every results state of
test_report_state_properties. A name is checked as the spec's text too: a real name passes there, and
so the report must be made.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_fixtures import loaded
from test_report_state_properties import results_and_spec

from engine.claims.pieces import check_spec_text
from engine.errors import UserError
from engine.report import report_markdown
from engine.spec.loader import MAX_TEXT

REAL_NAMES = [  # public UK programme and organisation names, and their shapes
    "Step_Up", "Next_Steps", "100% Recovery", "50% Club", "Project *Hope*", "Bridges <North>", "St Giles Trust",
    "Nacro", "Catch22", "Women in Prison", "Clinks", "Switchback", "Key4Life", "User Voice", "Khulisa", "Only Connect",
    "Circles UK", "The Forward Trust", "Safe Ground", "Prison Reform Trust", "Shannon Trust", "Working Chance",
    "Beyond the Gate", "Through the Gate", "A Fresh Start", "New Leaf", "Turning Point", "Second Chance (North)",
    "Footprints [Wales]", "Time 4 Change", "R.I.S.E.", "Y-Not?", "Out 4 Good", "Prospects+", "HMP Send's mentoring",
    "Choose Not To Offend", "Stop Offending Now", "Break the Cycle", "No More Victims", "Crime? Not Me!",
    "Ffordd Newydd", "Cymorth i Fenywod", "Llwybrau Newydd — Ail Gyfle", "Prosiect Ôl-ofal", "Caerdydd & Y Fro",
    "Renée's House", "Zoë & Chloé Foundation", "Café Nouveau", "Ärzte ohne Grenzen UK", "#NoMore", "C:\\Program",
    "Reducing Reoffending Partnership", "Re-offending Prevention Project", "Recidivism Reduction Unit",
    "Life After Custody", "Back on Track", "Out of Prison, Into Work", "1:1 Mentoring", "5/10 Club", "24/7 Support",
]
MARKUP = "&'()[]<>/_*%#+.:—–-!?\"`~|\\{}$@^=;,"
WELSH_AND_ACCENTS = "ŵŷâêîôûïëáéíóúàèìòùäöüÿçñßøåæœĉĝĥĵŝŭ"


WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + WELSH_AND_ACCENTS),
               min_size=1, max_size=12)
TOKEN = st.one_of(WORD, st.text(st.sampled_from(MARKUP), min_size=1, max_size=3),
                  st.integers(0, 2000).map(str), st.integers(1, 100).map(lambda n: f"{n}%"))
COMPOSED = st.lists(TOKEN, min_size=1, max_size=8).map(" ".join)
PRINTABLE = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=60)
LONG = st.tuples(st.sampled_from(REAL_NAMES), st.integers(1, MAX_TEXT)).map(
    lambda pair: (pair[0] + " ") * max(1, pair[1] // (len(pair[0]) + 1)))
NAMES = st.one_of(st.sampled_from(REAL_NAMES), COMPOSED, PRINTABLE, LONG).filter(
    lambda name: name.strip() and len(name) <= MAX_TEXT)


@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(results_and_spec(), NAMES, st.sampled_from(["the {} programme", "{}", "the {} scheme"]))
def test_any_name_gives_a_report(case, name, form):
    spec, results = case
    programme = spec.programme.model_copy(update={"name": form.format(name), "title": name, "organisation": name})
    spec = spec.model_copy(update={"programme": programme})
    program = results.spec.programme.model_copy(update={"name": programme.name, "title": name,
                                                         "organisation": name})
    results = results.model_copy(update={"spec": results.spec.model_copy(update={"programme": program})})
    try:
        check_spec_text(loaded(spec))
    except UserError as error:
        raise AssertionError(f"the name {name!r} is refused as the spec's text:\n"
                             + "\n".join(map(str, error.problems))) from None
    try:
        report_markdown(loaded(spec), results)
    except UserError as error:
        raise AssertionError(f"the report with the name {name!r} refused its own text:\n"
                             + "\n".join(map(str, error.problems))) from None


RESULT_VERB = st.sampled_from(["Halved", "Slashed", "Ended", "Reduced", "Stopped", "Proven To Cut", "That Cut",
                               "That Halved", "Which Ended"])  # past results and proof; "Reducing ..." is a purpose
OUTCOME = st.sampled_from(["Re-offending", "Reoffending", "Crime", "Recidivism", "Reconviction", "Offending"])
RESULT_NAMES = st.tuples(st.sampled_from(["The Programme", "Project", "Mentoring", "The Scheme", ""]), RESULT_VERB,
                         OUTCOME, st.sampled_from(["", " by 50%", " for Good", " in Half"])).map(
    lambda parts: " ".join(p for p in parts[:3] if p) + parts[3])


@settings(max_examples=60, deadline=None, derandomize=True)
@given(RESULT_NAMES)
def test_a_name_that_states_a_result_is_refused_at_its_spec_line(name):
    from report_fixtures import LPT_PROGRAMME, spec

    programme = {**LPT_PROGRAMME, "name": f"the {name} programme", "title": name}
    try:
        check_spec_text(loaded(spec(programme)))
    except UserError as error:
        assert any(p.where.startswith("programme.") for p in error.problems), error.problems
        return
    raise AssertionError(f"the name {name!r} states a result and was not refused")

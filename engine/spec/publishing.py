"""The spec's keys of publishing (docs/architecture.md §3): who publishes the report and how (`service`, `report`,
its contacts) and what earlier publications revealed (`publication`); the rest of the spec is engine/spec/models.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from engine.houses import BASE, House
from engine.results_check import SUPPRESS_BELOW_FLOOR
from engine.spec.strict import Strict

PUBLISHED_FROM, PUBLISHED_TO = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # a date outside is a typo


class Contact(Strict):
    heading: str = Field(description="What this contact is for, e.g. 'Other enquiries about the analysis'.")
    lines: list[str] = Field(description="Name, team, address, telephone and e-mail lines.")


class Service(Strict):
    """Who ran the analysis and whose data it used: printed only where the spec says so."""

    name: str | None = Field(
        default=None,
        description="The data service that received the records and ran the analysis, with its article, as used "
        "in sentences, e.g. 'the Justice Data Lab'. Unset: the report says 'submitted for analysis'.",
    )
    national_data: str = Field(
        default="the national re-offending data",
        description="The national data people were looked up in, as used in 'could not be identified on ...', "
        "e.g. 'the Police National Computer (PNC)'.",
    )
    analysed_by: str | None = Field(
        default=None,
        description="Who ran the analysis, printed under the report's title as 'Analysis by ...', e.g. "
        "'the Ministry of Justice'. Unset: no such line.",
    )
    house: House = Field(
        default=BASE,
        description="Whose templates, words and wording rules the report is written in: justice_data_lab (the "
        "Justice Data Lab's re-offending reports) or employment_data_lab (the Employment Data Lab's: headline "
        "results under a verdict heading, each impact stated as an interval against what would have happened "
        "had the participants not taken part, which the Justice Data Lab's wording does not allow).",
    )
    general_annex: bool = Field(
        default=False,
        description="Does the service publish a general annex of frequently asked questions? If true, the report "
        "points readers to it.",
    )

    @property
    def adjective(self) -> str | None:
        """'Justice Data Lab' for 'the Justice Data Lab': the name as it stands before 'analysis'."""
        if self.name is None:
            return None
        return self.name[4:] if self.name.lower().startswith("the ") else self.name


class Report(Strict):
    title: str | None = Field(default=None, description="Report title (default: built from the programme title).")
    published: dt.date | None = Field(
        default=None,
        ge=PUBLISHED_FROM,
        le=PUBLISHED_TO,
        description=f"Publication date, YYYY-MM-DD, from {PUBLISHED_FROM} to {PUBLISHED_TO}.",
    )
    analyses_intro: str | None = Field(
        default=None, description="Free text after the list of analyses in 'The results in detail' (Markdown)."
    )
    contacts: list[Contact] = Field(default=[], description="Contact points printed at the end of the report.")
    footer: str | None = Field(
        default=None,
        description="Free text printed at the very end, after the contact points (Markdown): the publisher's "
        "boilerplate, e.g. general enquiries, copyright and licence. It must not describe the programme's effects.",
    )
    suppress_below: int = Field(
        default=5,
        ge=SUPPRESS_BELOW_FLOOR,
        le=1000,
        description="Disclosure threshold: any figure standing for fewer people than this (and any figure it "
        f"could be worked out from) is shown as '*' in every output. It cannot be set below {SUPPRESS_BELOW_FLOOR}.",
    )
    forbidden_phrases: list[str] = Field(
        default=[], description="Extra phrases this report must never contain (case is ignored)."
    )


class Publication(Strict):
    """Publishing an evaluation again: what earlier reports revealed (engine/run/record.py)."""

    evaluation: str | None = Field(
        default=None,
        description="The evaluation's identity: its runs are the same evaluation. Default: the programme's "
        "organisation and title, so set it before editing either.",
    )
    record: str | None = Field(
        default=None,
        description="The folder of the private record of every published run's participants (salted hashes), "
        "relative to this spec's folder. Keep it with the national data, never in a report folder or the cache. "
        "Default: $JDLSPEC_RECORD_DIR, else .jdlspec-published/ beside the reference data.",
    )
    first: bool = Field(
        default=False,
        description="This is the first publication from this record: with no record at its place, one is started. "
        "Without it, a missing record blocks publication (a re-run could not be checked against earlier reports); "
        "a report folder that already holds a report is never a first publication.",
    )
    withdrawn: list[Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]] = Field(
        default=[],
        description="Earlier publications that were withdrawn, by the record id a refusal names (12 hex "
        "characters): this run may differ from them by fewer people than report.suppress_below.",
    )

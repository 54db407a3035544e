"""The spec's data section: the two data files, how they are linked and what their columns are called.

Column names come from the data contract (DESIGN.md) and the measure registry; a file's own mapping
(data.submission_columns, data.reference_columns) overrides data.columns for that file only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, create_model, model_serializer, model_validator

from engine.measures import MEASURES
from engine.spec.strict import Strict

LinkField = Literal["offender_id", "surname", "forename", "date_of_birth"]

_IDENTITY_COLUMNS = {
    "offender_id": "Offender identifier (text).",
    "forename": "Forename, for linking by name.",
    "surname": "Surname, for linking by name.",
    "date_of_birth": "Date of birth, for linking by name.",
    "record_id": "Submission: the organisation's record identifier.",
    "index_date": "Reference: start of the one-year follow-up.",
    "sexual_offence_history": "Reference: any current or previous sexual offence (0/1).",
}
OUTCOME_COLUMNS = {m.column: m.description for m in MEASURES.values()}
Columns = create_model(
    "Columns",
    __base__=Strict,
    __doc__="Column names in the data files, when they differ from the data contract's defaults. A name here "
    "applies to both files; data.submission_columns and data.reference_columns name one file's columns.",
    **{name: (str, Field(default=name, description=about))
       for name, about in {**_IDENTITY_COLUMNS, **OUTCOME_COLUMNS,
                           "end_date": "Submission: programme end date (optional column)."}.items()},
)
# the contract columns of each file, as one file's own mapping names them
FILE_COLUMNS = {
    "submission": ["record_id", "offender_id", "forename", "surname", "date_of_birth", "start_date", "end_date"],
    "reference": ["offender_id", "forename", "surname", "date_of_birth", "index_date", "sexual_offence_history",
                  *OUTCOME_COLUMNS],
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# optional columns of one file only, which data.columns does not name (in the reference data, `sex` is a
# characteristic like any other, named as the file names it)
OWN_COLUMNS = {"submission": {"sex": "Submission: sex (optional column: M/F, male/female or 1/2), compared with the "
                                     "linked national record's."}, "reference": {}}


class _OwnColumns(Strict):
    """A file's own column names; an optional column left unset is not written out (results.json records the
    spec's settings, and a spec that names no such column keeps the settings, and their hash, it always had)."""

    @model_serializer(mode="wrap")
    def _without_unset_own(self, handler):
        data = handler(self)
        for name in (n for names in OWN_COLUMNS.values() for n in names):
            if data.get(name, "") is None:
                data.pop(name)
        return data


def _file_columns(role: str, what: str, example: str):
    """A model naming one file's columns: unset keys fall back to data.columns (and data.start_column)."""
    about = {**_IDENTITY_COLUMNS, **OUTCOME_COLUMNS, "start_date": "Submission: the programme start date.",
             "end_date": "Submission: programme end date (optional column).", **OWN_COLUMNS[role]}
    return create_model(
        f"{role.capitalize()}Columns",
        __base__=_OwnColumns,
        __doc__=f"The column names of {what} only, where they differ from the defaults: each one set here is used "
        f"for this file instead of data.columns, e.g. {example}.",
        **{name: (str | None, Field(default=None, description=_capital(about[name].split(": ", 1)[-1]) + " Unset: as "
                                    f"{'data.start_column' if name == 'start_date' else 'data.columns'} says."))
           for name in FILE_COLUMNS[role]},
        **{name: (str | None, Field(default=None, description=_capital(about[name].split(": ", 1)[-1]) +
                                    f" Unset: {name}."))
           for name in OWN_COLUMNS[role]},
    )


SubmissionColumns = _file_columns("submission", "the submission (your records)",
                                  "{forename: First name, date_of_birth: Date of birth}")
ReferenceColumns = _file_columns("reference", "the reference data (the national data)",
                                 "{offender_id: PNC_ID, index_date: release_date}")


class Data(Strict):
    reference: str = Field(
        description="The national re-offending data (CSV, Excel .xlsx or Parquet), relative to this spec's folder."
    )
    submission: str = Field(
        description="The organisation's records (CSV, Excel .xlsx or Parquet), relative to this spec's folder."
    )
    link_on: list[LinkField] = Field(
        default=["offender_id"],
        min_length=1,
        description="How submitted records are found in the reference data: [offender_id], or "
        "[surname, forename, date_of_birth] (case and spacing are ignored).",
    )
    reference_sheet: str | None = Field(
        default=None, description="For an .xlsx reference file: the sheet to read (default: the first)."
    )
    submission_sheet: str | None = Field(
        default=None, description="For an .xlsx submission: the sheet to read (default: the first)."
    )
    start_column: str = Field(default="start_date", description="Submission column with the programme start date.")
    days_before_index: int = Field(
        default=0,
        ge=0,
        le=3650,
        description="How many days before the index date the programme may start (e.g. work in custody before release).",
    )
    days_after_index: int = Field(
        default=182,
        ge=0,
        le=365,
        description="How many days after the index date the programme may start (182: the first half of the year).",
    )
    columns: Columns = Field(default_factory=Columns, description="Column names, where they differ from the defaults.")
    submission_columns: SubmissionColumns = Field(
        default_factory=SubmissionColumns,
        description="The submission's own column names, e.g. {forename: First name}; each overrides data.columns "
        "for the submission only.",
    )
    reference_columns: ReferenceColumns = Field(
        default_factory=ReferenceColumns,
        description="The reference data's own column names; each overrides data.columns for the reference data only.",
    )

    @model_validator(mode="after")
    def _one_start_column(self) -> Data:
        chosen = self.submission_columns.start_date
        if chosen is not None and self.start_column not in ("start_date", chosen):
            raise ValueError(f"data.start_column ('{self.start_column}') and data.submission_columns.start_date "
                             f"('{chosen}') name different columns; keep one")
        return self

    def file_columns(self, role: str) -> dict[str, str]:
        """Each contract column's name in the submission or the reference file."""
        names = {**self.columns.model_dump(), **{name: name for name in OWN_COLUMNS[role]}}
        if role == "submission":
            names["start_date"] = self.start_column
        own = (self.submission_columns if role == "submission" else self.reference_columns).model_dump()
        return {**names, **{name: written for name, written in own.items() if written is not None}}

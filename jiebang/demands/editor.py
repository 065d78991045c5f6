"""The forms of one editor step, bound together: validate, save (all or, for autosave, the
valid parts), count errors. Saving goes through demands.services only."""

from django.db import transaction

from jiebang.core.errors import DomainError
from jiebang.demands import services
from jiebang.demands.enums import Category
from jiebang.demands.forms import (
    ATSpecialForm,
    BasicForm,
    ContentForm,
    FinancialFormSet,
    FundingForm,
    IndicatorFormSet,
    IPItemFormSet,
    MemberFormSet,
    ResearchTaskFormSet,
    RouteFormSet,
    TBSpecialForm,
)


class StepEditor:
    def __init__(self, demand, step, data=None, files=None):
        self.demand = demand
        self.step = step
        self.form = None  # the step's main ModelForm
        self.formsets: dict[str, object] = {}  # row kind → formset
        self.non_field_errors: list[str] = []
        bound = data is not None
        self.bound = bound
        # The edit version the page was loaded at (posted back by the form); None when a client
        # does not send one. `version` is what the page should post next.
        self.expected_version = _posted_version(data) if bound else demand.edit_version
        self.version = (
            demand.edit_version if self.expected_version is None else self.expected_version
        )
        kwargs = {"data": data} if bound else {}
        if step == "basic":
            self.form = BasicForm(instance=demand, call=demand.call, **kwargs)
        elif step == "content":
            self.form = ContentForm(instance=demand, **kwargs)
            self.formsets["indicators"] = IndicatorFormSet(
                prefix="ind",
                initial=self._rows("indicators", ["name", "target_value", "unit", "test_method"]),
                **kwargs,
            )
        elif step == "funding":
            self.form = FundingForm(instance=demand, **kwargs)
            if demand.is_horse_race:
                self.formsets["routes"] = RouteFormSet(
                    prefix="route",
                    initial=self._rows("routes", ["name", "description", "rnd_investment"]),
                    **kwargs,
                )
        elif step == "team":
            people = {m.person_id: m.person.id_number for m in demand.team.all()}
            initial = (
                [
                    {
                        "name": m.person.name,
                        "kept_person": m.person_id,
                        "title": m.title,
                        "work_unit": m.work_unit,
                        "responsibility": m.responsibility,
                    }
                    for m in demand.team.all()
                ]
                if not bound
                else []
            )
            self.formsets["team"] = MemberFormSet(
                prefix="team", initial=[] if bound else initial, allowed_people=people, **kwargs
            )
            self.masked_ids = {m.person_id: m.person.id_masked for m in demand.team.all()}
        elif step == "special":
            if demand.category == Category.TECH_BREAKTHROUGH:
                self.form = TBSpecialForm(instance=demand, **kwargs)
                existing = {f.year: f for f in demand.financials.all()}
                self.formsets["financials"] = FinancialFormSet(
                    prefix="fin",
                    initial=[
                        {
                            "year": year,
                            "revenue": getattr(existing.get(year), "revenue", None),
                            "rnd_spend": getattr(existing.get(year), "rnd_spend", None),
                        }
                        for year in demand.call.effective_audit_years
                    ],
                    **kwargs,
                )
            else:
                self.form = ATSpecialForm(instance=demand, **kwargs)
                self.formsets["research_tasks"] = ResearchTaskFormSet(
                    prefix="task",
                    initial=self._rows("research_tasks", ["name", "level", "year", "role"]),
                    **kwargs,
                )
                self.formsets["ip_items"] = IPItemFormSet(
                    prefix="ip",
                    initial=self._rows("ip_items", ["kind", "number", "owner", "legal_status"]),
                    **kwargs,
                )

    def _rows(self, kind, columns):
        """Saved rows as the formset's initial data — for display only. A bound formset gets
        none: it is judged on what the page posted (its own INITIAL_FORMS), otherwise a row the
        autosave has just stored would look "unchanged" to the next save and be dropped."""
        if self.bound:
            return []
        return [{c: getattr(row, c) for c in columns} for row in getattr(self.demand, kind).all()]

    def add_error(self, message: str) -> None:
        self.non_field_errors.append(message)

    def error_count(self) -> int:
        count = len(self.non_field_errors)
        if self.form is not None and self.form.is_bound:
            count += len(self.form.errors)
        for formset in self.formsets.values():
            if formset.is_bound:
                count += sum(len(e) for e in formset.errors) + len(formset.non_form_errors())
        return count

    def save(self, *, by, partial: bool = False) -> bool:
        """Save the step. Returns True when everything was valid and saved.

        With `partial` (autosave) the valid parts are saved and the rest waits for the user;
        without it nothing is saved unless the whole step is valid.
        """
        form_ok = self.form is None or self.form.is_valid()
        formsets_ok = {kind: fs.is_valid() for kind, fs in self.formsets.items()}
        all_ok = form_ok and all(formsets_ok.values())
        if not all_ok and not partial:
            return False
        # One transaction for the step: the version check locks the demand row, so a save
        # from another tab waits for this one and is then refused as stale (DomainError).
        # A part refused by its service keeps what was saved before it, as each service is
        # its own savepoint; the new version is known either way, then the refusal is raised.
        refused = None
        with transaction.atomic():
            services.check_edit_version(
                demand_id=self.demand.pk, expected_version=self.expected_version
            )
            try:
                self._write(by, formsets_ok)
            except DomainError as error:
                refused = error
            self.version = services.edit_version_of(self.demand.pk)
        if refused is not None:
            raise refused
        return all_ok

    def _write(self, by, formsets_ok: dict[str, bool]) -> None:
        if self.form is not None:
            valid_fields = {
                name: value
                for name, value in self.form.cleaned_data.items()
                if name not in self.form.errors
            }
            phone = valid_fields.pop("contact_phone", None)
            if valid_fields or phone is not None:
                services.update_demand(
                    demand=self.demand, by=by, fields=valid_fields, contact_phone=phone
                )
        for kind, formset in self.formsets.items():
            if not formsets_ok[kind]:
                continue
            if kind == "team":
                services.set_team(demand=self.demand, by=by, members=formset.rows())
            elif kind == "financials":
                services.set_financials(
                    demand=self.demand, by=by, rows=[f.cleaned_data for f in formset.forms]
                )
            else:
                services.replace_rows(demand=self.demand, by=by, kind=kind, rows=formset.rows())


def _posted_version(data) -> int | None:
    try:
        return int(data.get("edit_version", ""))
    except (TypeError, ValueError):
        return None

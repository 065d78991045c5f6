"""The forms of one proposal editor step, bound together: validate, save (all or, for
autosave, the valid parts), count errors. Saving goes through proposals.services only."""

from jiebang.proposals import services
from jiebang.proposals.forms import (
    AnswersForm,
    ConsortiumFormSet,
    IPItemFormSet,
    MemberFormSet,
    PerformanceFormSet,
    PlanForm,
)


def _initial(data, prefix: str, rows: list[dict]) -> list[dict]:
    """The saved rows as the page knew them. When the page was loaded before an autosave
    stored its new rows, those rows are extra forms there: giving them the saved values as
    initial would make them look unchanged, and they would be dropped as blank."""
    if data is None:
        return rows
    try:
        known = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except (TypeError, ValueError):
        known = 0
    return rows[: max(known, 0)]


class StepEditor:
    """`proposal` is loaded by `selectors.proposal_for_check` (members, team, answers, IP and
    the demand's indicators prefetched)."""

    def __init__(self, proposal, step, data=None):
        self.proposal = proposal
        self.step = step
        self.form = None  # the step's main form
        self.formsets: dict[str, object] = {}  # row kind → formset
        self.non_field_errors: list[str] = []
        self.masked_ids: dict[int, str] = {}
        kwargs = {"data": data} if data is not None else {}
        members = list(proposal.members.all())
        self.lead_member = next((m for m in members if m.position == 1), None)
        if step == "plan":
            self.form = PlanForm(proposal=proposal, **kwargs)
        elif step == "consortium":
            self.formsets["members"] = ConsortiumFormSet(
                prefix="member",
                lead=self.lead_member.organization if self.lead_member else None,
                initial=_initial(
                    data,
                    "member",
                    [
                        {
                            "uscc": m.organization.uscc,
                            "work_share": m.work_share,
                            "budget_share": m.budget_share,
                            "tasks": m.tasks,
                            "name": m.organization.name,
                        }
                        for m in members
                        if m.position > 1
                    ],
                ),
                **kwargs,
            )
        elif step == "team":
            team = list(proposal.team.all())
            # Only people already on this team may be kept by reference (blank ID number).
            allowed = {m.person_id: m.person.id_number for m in team}
            self.formsets["team"] = MemberFormSet(
                prefix="team",
                initial=_initial(
                    data,
                    "team",
                    [
                        {
                            "name": m.person.name,
                            "kept_person": m.person_id,
                            "title": m.title,
                            "work_unit": m.work_unit,
                            "responsibility": m.responsibility,
                        }
                        for m in team
                    ],
                ),
                allowed_people=allowed,
                **kwargs,
            )
            self.masked_ids = {m.person_id: m.person.id_masked for m in team}
        elif step == "indicators":
            self.form = AnswersForm(
                indicators=proposal.demand.indicators.all(),
                answers={a.indicator_id: a.answer for a in proposal.indicator_answers.all()},
                **kwargs,
            )
        elif step == "ip":
            self.formsets["performance"] = PerformanceFormSet(
                prefix="perf",
                initial=_initial(
                    data,
                    "perf",
                    [
                        {
                            "kind": p.kind,
                            "title": p.title,
                            "year": p.year,
                            "description": p.description,
                        }
                        for p in proposal.performance.all()
                    ],
                ),
                **kwargs,
            )
            self.formsets["ip_items"] = IPItemFormSet(
                prefix="ip",
                initial=_initial(
                    data,
                    "ip",
                    [
                        {
                            "kind": i.kind,
                            "number": i.number,
                            "owner": i.owner,
                            "legal_status": i.legal_status,
                        }
                        for i in proposal.ip_items.all()
                    ],
                ),
                **kwargs,
            )

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
        if isinstance(self.form, PlanForm):
            valid_fields = {
                name: value
                for name, value in self.form.cleaned_data.items()
                if name not in self.form.errors
            }
            if valid_fields:
                services.update_proposal(proposal=self.proposal, by=by, fields=valid_fields)
        elif isinstance(self.form, AnswersForm):
            # set_answers replaces every answer: keep the saved text of a field in error.
            answers = {a.indicator_id: a.answer for a in self.proposal.indicator_answers.all()}
            answers.update(self.form.valid_answers())
            services.set_answers(proposal=self.proposal, by=by, answers=answers)
        for kind, formset in self.formsets.items():
            if not formsets_ok[kind]:
                continue
            rows = formset.rows()
            if kind == "members":
                services.set_members(
                    proposal=self.proposal,
                    by=by,
                    members=[
                        {
                            "uscc": r["uscc"],
                            "work_share": r["work_share"],
                            "budget_share": r.get("budget_share"),
                            "tasks": r.get("tasks", ""),
                        }
                        for r in rows
                    ],
                )
            elif kind == "team":
                services.set_team(proposal=self.proposal, by=by, members=rows)
            elif kind == "ip_items":
                services.set_ip_items(proposal=self.proposal, by=by, rows=rows)
            elif kind == "performance":
                services.set_performance(proposal=self.proposal, by=by, rows=rows)
        return all_ok

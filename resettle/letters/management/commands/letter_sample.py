import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resettle.letters.render import LetterError, render_decision_letter

# A made-up decision, so translators and reviewers can see a whole letter without a case.
SAMPLE = {
    "reference": "RST-0000-SAMPLE",
    "applicant_name": "اکبر حکیمی",
    "decided_on": dt.date(2026, 11, 28),
    "timezone": "Pacific/Auckland",
    "policy_title": "Afghan nationals who supported the NZ Defence Force (2021)",
    "policy_version": "2021.1",
    "criteria": [
        {"criterion": "Employed by the NZ Defence Force in Afghanistan", "outcome": "met",
         "evidence": "HR record confirmed by a verifier"},
        {"criterion": "At risk because of that work", "outcome": "not_met", "evidence": "Decision maker's finding"},
    ],
    "reasons": "Your employment is confirmed. The risk you described was found not to arise from that work.",
    "params": [{"label": "Family members included", "value": "4"}],
    "reconsideration": "Write to us within 28 days of this letter, quoting your reference, with any new evidence.",
}


class Command(BaseCommand):
    help = ("Write a sample decision letter (made-up applicant and decision) as PDF, in English (en), "
            "Dari (fa-af) or Pashto (ps), for reviewing the letter's layout and translations.")

    def add_arguments(self, parser):
        parser.add_argument("--language", default="en", help="en, fa-af (Dari) or ps (Pashto); default en.")
        parser.add_argument("--outcome", choices=["approved", "declined"], default="declined")
        parser.add_argument("--out", required=True, help="PDF file to write.")

    def handle(self, *args, language, outcome, out, **opts):
        context = {**SAMPLE, "outcome": outcome}
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"--out: folder {path.parent} does not exist")
        try:
            pdf = render_decision_letter(language=language, context=context)
        except LetterError as exc:
            raise CommandError(str(exc)) from None
        path.write_bytes(pdf)
        self.stdout.write(f"Wrote {path} ({len(pdf):,} bytes, {language}, {outcome}).")

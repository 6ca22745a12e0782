"""Message texts. Each one is filled from its single recipient's own case, nothing else."""

from __future__ import annotations

from dataclasses import dataclass


# Said in every message: people posing as the department ask applicants for passports and
# tazkiras, and the applicant should know that we never do that by message.
NEVER_ASK = ("We will never ask you to send documents or money to anyone, or to share this message.\n"
             "ما هرگز از شما نمی‌خواهیم اسناد یا پول را برای کسی بفرستید.\n")


@dataclass(frozen=True)
class Template:
    subject: str
    body: str

    def render(self, reference: str) -> tuple[str, str]:
        return self.subject.format(reference=reference), self.body.format(reference=reference) + "\n" + NEVER_ASK


TEMPLATES: dict[str, Template] = {
    "application_received": Template(
        subject="Your application {reference} has been received",
        body=("We have received your application. Its reference is {reference}.\n"
              "Keep this reference.\n\n"
              "درخواست شما دریافت شد. شماره مرجع: {reference}\n"),
    ),
    "information_requested": Template(
        subject="Application {reference}: we need more information",
        body=("Please sign in or reply to this message about application {reference}.\n\n"
              "لطفاً در مورد درخواست {reference} به این پیام پاسخ دهید.\n"),
    ),
    "decision_made": Template(
        subject="Application {reference}: a decision has been made",
        body=("A decision has been made on application {reference}. Please sign in to read it.\n\n"
              "در مورد درخواست {reference} تصمیم گرفته شد.\n"),
    ),
}

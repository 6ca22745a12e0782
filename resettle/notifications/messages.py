"""Message texts. Each one is filled from its single recipient's own case, nothing else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    "application_received": Template(
        subject="Your application {reference} has been received",
        body=("We have received your application. Its reference is {reference}.\n"
              "Keep this reference; we will never ask you to send your documents to anyone else.\n\n"
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

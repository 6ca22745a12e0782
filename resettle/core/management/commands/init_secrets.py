from django.core.management.base import BaseCommand

from resettle import config


class Command(BaseCommand):
    help = "Create the git-ignored secrets file (keys for encryption, indexes, audit, backups) if it is missing."

    def handle(self, *args, **opts):
        path = config.env_file()
        if config.write_env_file(path):
            self.stdout.write(f"Wrote new secrets to {path} (mode 0600). Back it up apart from the database.")
        else:
            self.stdout.write(f"Secrets file {path} already exists; left as it is.")

"""Load (upsert) a native JSON bank: `manage.py load_bank fixtures/linux-kernel-modules.json`.

The native-format alias of import_bank: the bank is the one the file names.
"""

from __future__ import annotations

from quizzes.management.commands.import_bank import Command as ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update the bank a kmodquiz-bank JSON file names (import_bank for other "
        "formats). Questions are matched by external id: updated in place, so learners keep "
        "their progress."
    )
    bank_from_file = True

"""Imports: a file in any format compared with its bank, previewed, then applied in bulk.

plan    what an import would change (reads only), with a field-by-field diff
apply   the writes of a plan, in bulk, inside one transaction
checks  what every parsed question must satisfy before anything is written
runs    the flows from upload to outcome, recorded as ImportRun; the background task's body
steps   the steps those flows share (target, plan and write, record, keep the file, queue)
stored  the parsed file kept beside the upload
"""

from quizzes.services.imports.apply import plan_apply
from quizzes.services.imports.checks import parsed_bank_problems
from quizzes.services.imports.plan import Change, ImportPlan, QuestionUpdate, import_plan
from quizzes.services.imports.runs import (
    ImportSummary,
    bank_import,
    import_confirm,
    import_forbidden,
    import_run_execute,
    import_submit,
)

__all__ = [
    "Change",
    "ImportPlan",
    "ImportSummary",
    "QuestionUpdate",
    "bank_import",
    "import_confirm",
    "import_forbidden",
    "import_plan",
    "import_run_execute",
    "import_submit",
    "parsed_bank_problems",
    "plan_apply",
]

"""Input and output shapes. Inputs are validated here; writes happen in quizzes.services.

Output serializers that describe dicts built by the views (study, progress) serve the OpenAPI
schema; a test checks real responses against that schema.
"""

from quizzes.api.serializers.banks import *  # noqa: F403
from quizzes.api.serializers.common import *  # noqa: F403
from quizzes.api.serializers.courses import *  # noqa: F403
from quizzes.api.serializers.me import *  # noqa: F403
from quizzes.api.serializers.study import *  # noqa: F403

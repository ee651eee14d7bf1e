from .learner_load import learners  # noqa: F401
from .object_storage import local_s3_endpoint, object_storage  # noqa: F401

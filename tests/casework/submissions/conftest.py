"""The runner's fixtures (a verified family member on each council, the test form with
every question type), and staff clients from the casework tests."""

from tests.casework.conftest import staff_account, staff_client  # noqa: F401 (fixtures)
from tests.citizen.runner.conftest import (  # noqa: F401 (fixtures, and helpers the tests import)
    KITCHEN_SINK,
    complete_everything,
    everything,
    family,
    media_root,
    outbox,
    pdf_bytes,
    publish,
    upload,
)

"""themes/<slug>/templates/ overrides a council's pages, and only that council's."""

import pytest
from django.template import engines

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_templates():
    """Forget cached templates, before and after, so a test's theme folder is read."""
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    yield
    loader.reset()


def test_each_demo_council_introduces_the_portal_in_its_own_words(cumbria_client, somerset_client, fresh_templates):
    cumbria_page = cumbria_client.get("/").content.decode()
    somerset_page = somerset_client.get("/").content.decode()
    assert "provide input into the Education, Health and Care Plan" in cumbria_page
    assert "complete the Appendix A form" not in cumbria_page
    assert "complete the Appendix A form" in somerset_page
    assert "provide input into the Education, Health and Care Plan" not in somerset_page


def test_an_override_applies_to_its_council_only_even_with_cached_templates(
    settings, tmp_path, cumbria_client, somerset_client, fresh_templates
):
    settings.THEMES_DIR = tmp_path
    override = tmp_path / "somerset" / "templates" / "includes" / "footer.html"
    override.parent.mkdir(parents=True)
    override.write_text('<footer class="govuk-footer"><p>Somerset footer override</p></footer>')

    for _ in range(2):  # the second round is served from the cached loader
        assert "Somerset footer override" in somerset_client.get("/").content.decode()
        assert "Somerset footer override" not in cumbria_client.get("/").content.decode()

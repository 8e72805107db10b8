import pytest

from lablog.services.refs import slugify


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Mette Ørum Holm", "mette-orum-holm"),
        ("Åse Grønbech", "aase-gronbech"),
        ("Søren Bæk Løvgren", "soren-baek-lovgren"),
        ("  Anne-Marie  Ærø ", "anne-marie-aero"),
        ("José Müller", "jose-muller"),
        ("Lene O'Neil", "lene-o-neil"),
    ],
)
def test_slugify(name, handle):
    assert slugify(name) == handle

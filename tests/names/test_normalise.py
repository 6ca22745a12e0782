import pytest

from resettle.names.normalise import detect_script, normalise, normalise_arabic, split_father


@pytest.mark.parametrize(
    "text, script",
    [("Ali", "latin"), ("علی", "arabic"), ("Ali علی", "mixed"), ("", "none"), ("123 -", "none"), (None, "none")],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_arabic_and_persian_letter_forms_fold():
    assert normalise_arabic("علي") == normalise_arabic("علی")
    assert normalise_arabic("كريم") == normalise_arabic("کریم")
    assert normalise_arabic("فاطمة") == normalise_arabic("فاطمه")
    assert normalise_arabic("أحمد") == normalise_arabic("احمد")
    assert normalise_arabic("مُحَمَّد") == "محمد"
    assert normalise_arabic("محـــمد") == "محمد"
    assert normalise_arabic("حبیب\u200cالله") == "حبیب الله"


def test_latin_normalisation():
    assert normalise("  HÜSSEÏN-Ali ") == "hussein ali"
    assert normalise("Sa'id") == "said"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ALI s/o HUSSAIN", ("ALI", "HUSSAIN")),
        ("Ali S/O Hussain", ("Ali", "Hussain")),
        ("Ali son of Hussain", ("Ali", "Hussain")),
        ("Ali bin Hussain", ("Ali", "Hussain")),
        ("Fatima d/o Karim", ("Fatima", "Karim")),
        ("Zahra w/o Karim", ("Zahra", "Karim")),
        ("علی ولد حسین", ("علی", "حسین")),
        ("Husaini, Mohd", ("Mohd Husaini", None)),
        ("Husaini, Mohd s/o Gholam", ("Mohd Husaini", "Gholam")),
        ("Robin Binns", ("Robin Binns", None)),
        ("", ("", None)),
    ],
)
def test_split_father(text, expected):
    assert split_father(text) == expected


def test_father_inside_the_name_field_in_the_forms_clerks_write():
    for text in ("Ali walad-e Hussain", "ALI WALAD E HUSSAIN", "Ali Walad-i Hussain", "Ali waladi Hussain",
                 "Ali s/o.Hussain", "Ali S/O: Hussain", "Ali ibn-e Hussain", "Ali s.o. Hussain", "Ali bin Hussain"):
        name, father = split_father(text)
        assert (name.lower(), father.lower()) == ("ali", "hussain"), text
    assert split_father("علی ولدِ حسین") == ("علی", "حسین")
    assert split_father("علی پسر حسین") == ("علی", "حسین")


def test_a_marker_word_at_either_end_is_part_of_the_name():
    assert split_father("Ali Binyamin") == ("Ali Binyamin", None)
    assert split_father("Walid Ahmad") == ("Walid Ahmad", None)
    assert split_father("Ahmad Walad") == ("Ahmad Walad", None)

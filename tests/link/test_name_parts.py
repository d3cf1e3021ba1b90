from joinedup.link.name_parts import family_key, family_parts, given_initial, split_full_name, strip_titles


def test_titles_and_post_nominals_go():
    assert strip_titles("Mrs. Jane") == "jane"
    assert strip_titles("Dr Ahmed Khan OBE") == "ahmed khan"
    assert strip_titles("Mr") is None
    assert strip_titles("Miss") is None


def test_full_names_read_both_ways_with_particles():
    assert split_full_name("Smith, Jane") == ("jane", "smith")
    assert split_full_name("Mrs Jane Mary Smith") == ("jane mary", "smith")
    assert split_full_name("Robert van der Berg") == ("robert", "van der berg")
    assert split_full_name("Khan") == (None, "khan")
    assert split_full_name("  ") == (None, None)


def test_initials_and_double_barrelled():
    assert given_initial("J.") == "j" and given_initial("Mr John") == "j"
    assert family_parts("Smith-Jones") == ["jones", "smith"]
    assert family_parts("van der Berg") == ["berg"]
    assert family_key("Van der Berg") == family_key("Vanderberg") == "vanderberg"

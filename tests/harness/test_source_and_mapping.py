"""LDIF source, source location, account status, and the mapping's processing options."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.directory.people import PeopleDirectory
from harness.directory.source import AccountStatus, Directory, SourceLocation
from harness.errors import HarnessError
from harness.provisioner.mapping import FIELDS, FieldMapping, Mapping, is_email, scim_body
from harness.provisioner.mapping_file import load_mapping


def test_ldif_round_trip_with_guid_and_base64_values(tmp_path: Path) -> None:
    people = PeopleDirectory(seed=1)
    person = people.add_person("zoe", cn="Zoë Ñandú")
    loaded = Directory.load(people.write_ldif(tmp_path / "d.ldif"))
    entry = loaded.get(person.dn)
    assert entry is not None and entry.first("cn") == "Zoë Ñandú"
    assert entry.guid == person.guid
    no_uuid = Directory.from_records([("uid=x,dc=example,dc=com", {"uid": ["x"]})])
    assert next(iter(no_uuid)).guid == "uid=x,dc=example,dc=com"


def test_broken_ldif_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ldif"
    broken.write_text("dn: uid=a,dc=x\nmail a@example.com\n")
    with pytest.raises(HarnessError, match="not valid LDIF"):
        Directory.load(broken)
    with pytest.raises(HarnessError, match="cannot read"):
        Directory.load(tmp_path / "missing.ldif")


def test_filter_base_dn_and_group() -> None:
    people = PeopleDirectory(seed=2)
    people.add_person("a1", ou="Sales")
    people.add_person("b1", ou="Ops")
    group = people.add_group("g", ["b1"])
    snapshot = people.snapshot()
    uids = lambda loc: [e.first("uid") for e in loc.users(snapshot)]  # noqa: E731
    assert uids(SourceLocation()) == ["a1", "b1"]
    assert uids(SourceLocation(filter="(&(objectclass=inetOrgPerson)(OU=sales))")) == ["a1"]
    assert uids(SourceLocation(base_dn="ou=other,dc=example,dc=com")) == []
    assert uids(SourceLocation(group_dn=group)) == ["b1"]
    with pytest.raises(HarnessError, match="not in the directory"):
        SourceLocation(group_dn="cn=nope,dc=example,dc=com").users(snapshot)
    with pytest.raises(HarnessError, match="not a valid LDAP filter"):
        SourceLocation(filter="(&(a=b)")


def test_account_status_flag() -> None:
    people = PeopleDirectory(seed=3)
    people.add_person("on")
    people.add_person("off", nsAccountLock="TRUE")
    people.add_person("custom", employeeStatus="terminated")
    snap = people.snapshot()
    entries = {e.first("uid"): e for e in snap}
    default = AccountStatus()
    assert default.enabled(entries["on"]) and not default.enabled(entries["off"])
    custom = AccountStatus(attribute="employeeStatus", disabled_value="terminated")
    assert not custom.enabled(entries["custom"]) and custom.enabled(entries["on"])
    assert not AccountStatus(default_enabled=False).enabled(entries["on"])


@pytest.mark.parametrize(
    "mapping, value, expected",
    [
        (FieldMapping(("title",), trim=True), "  Lead  ", "Lead"),
        (FieldMapping(("title",), case="upper"), "Lead", "LEAD"),
        (FieldMapping(("title",), case="lower"), "Lead", "lead"),
        (FieldMapping(("title",), parser="cn_from_dn"), "cn=Boss Person,ou=people,dc=x", "Boss Person"),
        (FieldMapping(("title",), parser="username_from_email"), "jdoe@example.com", "jdoe"),
        (FieldMapping(("missing",), default="Fallback"), "ignored", "Fallback"),
        (FieldMapping(("missing", "title")), "Second", "Second"),
    ],
)
def test_processing_options(mapping: FieldMapping, value: str, expected: str) -> None:
    people = PeopleDirectory(seed=4)
    people.add_person("p", title=value)
    entry = next(iter(people.snapshot()))
    assert mapping.value(entry) == expected


def test_default_mapping_and_files(tmp_path: Path) -> None:
    default = Mapping.default()
    assert set(default.fields) == set(FIELDS) - {"Roles", "User Type"}
    assert default.fields["Username"].attributes == ("mail",)
    good = tmp_path / "m.yaml"
    good.write_text("Username: mail\nUser Type: {default: Licensed}\nTitle: {attribute: title, masked: true}\n")
    loaded = load_mapping(good)
    assert loaded.fields["User Type"].default == "Licensed" and loaded.masked("Title")
    for text, message in [
        ("Title: title\n", "Username must be mapped"),
        ("Username: mail\nShoe Size: x\n", "unknown Zoom field"),
        ("Username: {attribute: mail, case: sideways}\n", "case must be one of"),
        ("Username: {attribute: mail, colour: red}\n", "unknown options"),
        ("Username: {}\n", "give a source attribute or a default"),
        ("- a\n", "expected a mapping"),
        ("Username: [\n", "not valid YAML"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(HarnessError, match=message):
            load_mapping(bad)


def test_scim_body_for_every_field() -> None:
    values = {
        "Username": "u@example.com", "Email": "u@example.com", "Department": "D", "Family Name": "F",
        "Given Name": "G", "Locale": "fr-FR", "Organization": "O", "Phone": "+1 2015550123",
        "Roles": ["R1", "R2"], "Title": "T", "User Type": "Licensed",
    }  # fmt: skip
    body = scim_body(values, user_name="u@example.com")
    assert body["userName"] == "u@example.com"
    assert body["emails"] == [{"type": "work", "value": "u@example.com", "primary": True}]
    assert body["name"] == {"givenName": "G", "familyName": "F"}
    assert (body["title"], body["locale"], body["userType"]) == ("T", "fr-FR", "Licensed")
    assert body["phoneNumbers"] == [{"type": "work", "value": "+1 2015550123"}]
    assert body["roles"] == [{"value": "R1", "primary": True}]
    assert body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] == {
        "department": "D",
        "organization": "O",
    }


def test_every_option_of_a_mapping_file_is_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "Username: {attributes: [mail, uid], create_only: true, trim: true, case: lower, "
        "parser: username_from_email, masked: true}\n"
        "Title: {attribute: title, default: 42}\n"
        "Department: ou\n"
    )
    loaded = load_mapping(path)
    assert loaded.fields == {
        "Username": FieldMapping(("mail", "uid"), None, True, True, "lower", "username_from_email", True),
        "Title": FieldMapping(("title",), "42", False, False, "none", "none", False),
        "Department": FieldMapping(("ou",)),
    }
    assert FieldMapping(("ou",)) == FieldMapping(("ou",), None, False, False, "none", "none", False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Username: 7\n", "m.yaml: Username: expected an attribute name or a mapping of options"),
        ("Username: {attributes: mail}\n", "m.yaml: Username: attributes must be a list of attribute names"),
        ("Username: {attributes: [mail, 3]}\n", "m.yaml: Username: attributes must be a list of attribute names"),
        ("Username: {attribute: mail, case: sideways}\n", "m.yaml: Username: case must be one of none, upper, lower"),
        ("Username: {attribute: mail, parser: x}\n",
         "m.yaml: Username: parser must be one of none, cn_from_dn, username_from_email"),
        ("Username: {attribute: mail, create_only: yes please}\n",
         "m.yaml: Username: create_only must be true or false"),
        ("Username: {attribute: mail, trim: 1}\n", "m.yaml: Username: trim must be true or false"),
        ("Username: {attribute: mail, masked: 'no'}\n", "m.yaml: Username: masked must be true or false"),
        ("Username: {attribute: mail, colour: red}\n",
         "m.yaml: Username: unknown options ['colour']; allowed: ['attribute', 'attributes', 'case', 'create_only', "
         "'default', 'masked', 'parser', 'trim']"),
        ("Username: {default: null}\n", "m.yaml: Username: give a source attribute or a default value"),
        ("Title: title\n", "m.yaml: Username must be mapped (it is the only required field)"),
        ("Username: mail\nShoe: x\n", "m.yaml: unknown Zoom field 'Shoe'; supported: "),
        ("[1]\n", "m.yaml: expected a mapping of Zoom field names to settings"),
    ],
)  # fmt: skip
def test_each_mistake_in_a_mapping_file_is_named_with_its_place(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(HarnessError) as raised:
        load_mapping(path)
    assert str(raised.value).removeprefix(str(tmp_path) + "/").startswith(message)
    if not message.endswith(": "):
        assert str(raised.value) == f"{tmp_path}/{message}"


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        ("cn_from_dn", "cn=Ops=West,ou=groups,dc=example", "Ops=West"),
        ("cn_from_dn", "Ops", "Ops"),
        ("username_from_email", "ada@dept@example.com", "ada"),
    ],
)
def test_parsers_take_the_first_rdn_value_and_the_local_part(parser: str, value: str, expected: str) -> None:
    assert FieldMapping(("x",), parser=parser)._process(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ada@example.com", True),
        ("a.b+c@mail.example.org", True),
        ("@example.com", False),
        ("ada@", False),
        ("ada@localhost", False),
        ("ada@.example.com", False),
        ("ada@example.com.", False),
        ("ada lovelace@example.com", False),
        ("ada@b.c@", False),
        ("ada@b@c.com", False),
        (["ada@example.com"], False),
        (None, False),
    ],
)
def test_what_counts_as_an_email_address_for_a_username(value: object, expected: bool) -> None:
    assert is_email(value) is expected

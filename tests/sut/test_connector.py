"""The Zoom connector read from whatever descriptor PingFederate gives (its identifiers are not
published): fields and attributes by label, SELECT values by ``optionValues``, required fields'
defaults, and a one-line refusal for each thing the harness cannot work with. The descriptors here are
written for the test, in the document's shape (``ConnectorDescriptor``), not the stand-in's."""

from __future__ import annotations

from typing import Any

import pytest

from harness.sut.pingfederate.admin import PingFederateError
from harness.sut.pingfederate.connector import ZoomConnector, label


def _field(name: str, text: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "label": text, **more}


def descriptor(**changes: Any) -> dict[str, Any]:
    fields = [
        _field("acct", "Account ID", required=True),
        _field("cid", "Client ID", required=True),
        _field("secret", "Client Secret", required=True),
        _field("create", "User Create"),
        _field("update", "User Update"),
        _field("off", "User Disable/Delete"),  # no spaces around the slash here
        _field(
            "removal",
            "REMOVE USER ACTION",
            optionValues=[{"name": "Disable", "value": "D1"}, {"name": "delete", "value": "X9"}],
        ),
        _field("region", "Region", required=True, defaultValue="US"),
        _field("proxy", "Proxy", required=False),
        {"name": "unlabelled", "required": True},
        {"label": "No name"},
    ]
    found = {"id": "com.vendor.ZoomThing", "description": "Provisions users", "configDescriptor": {"fields": fields},
             "saasPluginFieldInfoDescriptors": [{"label": "Email", "code": "mail_code"},
                                                {"label": "First Name", "code": "given"}]}  # fmt: skip
    found.update(changes)
    return found


class Admin:
    def __init__(self, answer: Any) -> None:
        self.answer, self.asked = answer, []

    def get(self, path: str) -> Any:
        self.asked.append(path)
        return self.answer


def test_labels_compare_without_case_or_the_spacing_around_a_slash() -> None:
    assert label("User Disable/Delete") == label(" user disable /  DELETE ") == "user disable / delete"
    assert label("Account ID") == "account id" and label("Account ID") != label("AccountID")


def test_the_zoom_descriptor_is_found_by_its_id_or_description_among_others() -> None:
    other = {"id": "com.vendor.Slack", "description": "Slack", "configDescriptor": {"fields": []}}
    by_description = descriptor(id="com.vendor.Saas7", description="The ZOOM provisioner")
    admin = Admin({"items": [other, by_description]})
    assert ZoomConnector.discover(admin).id == "com.vendor.Saas7"  # type: ignore[arg-type]
    assert admin.asked == ["/idp/connectors/descriptors"]
    assert ZoomConnector.discover(Admin({"items": [other, descriptor()]})).id == "com.vendor.ZoomThing"  # type: ignore[arg-type]
    for answer in ({"items": [other]}, {}, None):
        with pytest.raises(PingFederateError) as refused:
            ZoomConnector.discover(Admin(answer))  # type: ignore[arg-type]
        assert str(refused.value) == (
            "the Zoom Provisioner is not deployed in PingFederate: no connector descriptor names Zoom. Put its jar "
            "(pf-zoom-provisioner-*.jar) in server/default/deploy/ and restart PingFederate")  # fmt: skip


def test_settings_options_defaults_and_attributes_come_from_the_descriptor() -> None:
    zoom = ZoomConnector.of(descriptor())
    assert zoom.setting("User Disable / Delete") == "off" and zoom.setting("remove user action") == "removal"
    assert zoom.option("Remove User Action", "disable") == "D1" and zoom.option("Remove User Action", "Delete") == "X9"
    assert zoom.code("email") == "mail_code" and zoom.code("First Name") == "given"
    settings = zoom.target_settings({"Account ID": "A", "Client ID": "C", "Client Secret": "S", "User Create": "t"})
    # The values given, in their order, then each other required field with its default; optional ones
    # and fields without a name or label are left out, and a value given is never sent twice.
    assert settings == [{"name": "acct", "value": "A"}, {"name": "cid", "value": "C"},
                        {"name": "secret", "value": "S"}, {"name": "create", "value": "t"},
                        {"name": "region", "value": "US"}]  # fmt: skip


def test_what_the_harness_cannot_fill_or_find_is_refused_in_one_line() -> None:
    zoom = ZoomConnector.of(descriptor())
    with pytest.raises(PingFederateError) as refused:
        zoom.target_settings({"Account ID": "A"})  # Client ID and Client Secret required, no default
    assert str(refused.value) == ("the Zoom connector com.vendor.ZoomThing requires 'Client ID' (cid), which the "
                                  "harness does not know how to fill")  # fmt: skip
    with pytest.raises(PingFederateError) as refused:
        zoom.option("Remove User Action", "Archive")
    assert str(refused.value) == ("the Zoom connector com.vendor.ZoomThing offers no 'Archive' for Remove User Action "
                                  "(its options: Disable, delete)")  # fmt: skip
    with pytest.raises(PingFederateError) as refused:
        zoom.option("User Create", "Yes")
    assert str(refused.value).endswith("offers no 'Yes' for User Create (its options: none)")
    with pytest.raises(PingFederateError) as refused:
        zoom.code("Department")
    assert str(refused.value) == "the Zoom connector com.vendor.ZoomThing has no attribute labelled Department"
    empty_default = descriptor()
    empty_default["configDescriptor"]["fields"][7]["defaultValue"] = ""
    with pytest.raises(PingFederateError, match=r"requires 'Region' \(region\)"):
        ZoomConnector.of(empty_default).target_settings({n: "v" for n in ("Account ID", "Client ID", "Client Secret")})


def test_a_descriptor_without_a_documented_target_setting_is_refused_naming_them() -> None:
    fields = [
        f for f in descriptor()["configDescriptor"]["fields"] if f.get("label") not in ("Client ID", "User Update")
    ]
    with pytest.raises(PingFederateError) as refused:
        ZoomConnector.of(descriptor(configDescriptor={"fields": fields}))
    assert str(refused.value) == ("the Zoom connector com.vendor.ZoomThing has no target setting labelled Client ID, "
                                  "User Update")  # fmt: skip
    with pytest.raises(PingFederateError, match="has no target setting labelled Account ID, Client ID"):
        ZoomConnector.of(descriptor(configDescriptor=None))
    bare_descriptor = descriptor()
    del bare_descriptor["saasPluginFieldInfoDescriptors"]  # a connector that maps no attribute
    bare = ZoomConnector.of(bare_descriptor)
    with pytest.raises(PingFederateError, match="has no attribute labelled Email"):
        bare.code("Email")

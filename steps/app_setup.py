"""Steps of the app setup and the connection: building the Marketplace app, tokens, activation."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.bdd.world import World
from harness.zoom.preflight import REQUIRED_SCOPES
from harness.zoom.target import CREDENTIAL_LABELS
from mocks.api import oauth, scim
from mocks.state.scopes import GRANULAR_EQUIVALENTS

QUOTED = r'"(?P<{}>[^"]*)"'


def q(name: str) -> str:
    return QUOTED.format(name)


@given("a Zoom account ready for provisioning")
def ready_account(world: World) -> None:
    assert world.zoom.target.account_id


# -- the Marketplace app ----------------------------------------------------------------------


@given(parsers.re(rf"the administrator built a Server-to-Server OAuth app named {q('name')}"))
@when(parsers.re(rf"the administrator builds a Server-to-Server OAuth app named {q('name')}"))
def build_app(world: World, name: str) -> None:
    world.marketplace.build_app(name)


@given(parsers.re(rf"the administrator built a Server-to-Server OAuth app with granular scopes named {q('name')}"))
def build_granular_app(world: World, name: str) -> None:
    world.marketplace.build_app(name, scope_family="granular")


@then(parsers.re(rf"the Marketplace refuses the scope because {q('reason')}"))
def scope_refused(world: World, reason: str) -> None:
    assert world.marketplace.refusal == reason, world.marketplace.refusal


@then("the App credentials tab shows an account ID, a client ID and a client secret")
def credentials_shown(world: World) -> None:
    assert world.marketplace.app is not None
    target = world.marketplace.app.target
    assert target.account_id and target.client_id and target.client_secret


@then("the app's account ID is the account's own")
def own_account(world: World) -> None:
    assert world.marketplace.app is not None and world.marketplace.app.target.account_id == world.zoom.target.account_id


@when(parsers.re(rf"the administrator describes the app as {q('text')}"))
def describe(world: World, text: str) -> None:
    world.marketplace.update_app(description=text)


@given(parsers.re(rf"the administrator enters the company name {q('name')}"))
@when(parsers.re(rf"the administrator enters the company name {q('name')}"))
def company(world: World, name: str) -> None:
    world.marketplace.update_app(company_name=name)


@given(parsers.re(rf"the administrator enters the developer contact {q('name')} with the email {q('email')}"))
@when(parsers.re(rf"the administrator enters the developer contact {q('name')} with the email {q('email')}"))
def contact(world: World, name: str, email: str) -> None:
    world.marketplace.update_app(contact_name=name, contact_email=email)


@given(parsers.re(rf"the administrator adds the scope {q('scope')}"))
@when(parsers.re(rf"the administrator adds the scope {q('scope')}"))
def add_scope(world: World, scope: str) -> None:
    world.marketplace.add_scopes(scope)


@given(parsers.re(rf"the administrator completed the app with the seven scopes and the features {q('features')}"))
def complete_with_features(world: World, features: str) -> None:
    world.marketplace.complete_app(features=[f.strip() for f in features.split(",")])


@given("the administrator completed the app with the seven scopes")
def complete(world: World) -> None:
    world.marketplace.complete_app()


@given("the administrator completed the app without scopes")
def complete_without_scopes(world: World) -> None:
    world.marketplace.complete_app(scopes=())


@given("the administrator activated the app")
@when("the administrator activates the app")
def activate(world: World) -> None:
    world.marketplace.activate_app()


@then(parsers.re(rf"the app's Information tab shows the description {q('text')}"))
def shows_description(world: World, text: str) -> None:
    page = world.marketplace.app_page()
    assert page["description"] == text, page


@then("the app is activated")
def activated(world: World) -> None:
    assert world.marketplace.activation_refusal is None, world.marketplace.activation_refusal
    assert world.marketplace.app is not None and world.marketplace.app.status == "activated"


@then(parsers.re(rf"activation is refused because the {q('what')} is missing"))
def activation_refused(world: World, what: str) -> None:
    assert world.marketplace.activation_refusal is not None, "the app was activated"
    assert what in world.marketplace.activation_missing, world.marketplace.activation_missing
    assert what in world.marketplace.activation_refusal


@given(parsers.parse("the app is {state}"))
@when(parsers.parse("the app is {state}"))
def app_state(world: World, state: str) -> None:
    world.marketplace.change_app(state)


TOKEN_CAUSES = {
    "the app is not activated": "not activated",
    "the client is unknown": "client ID or client secret is wrong",
}


@then(parsers.parse("a token request with the app's credentials is refused because {cause}"))
def token_refused_because(world: World, cause: str) -> None:
    from harness.zoom.errors import token_refusal_cause

    answer = world.marketplace.request_token()
    assert answer.status == 400, answer.body
    assert set(answer.body) == {"reason", "error"}
    assert TOKEN_CAUSES[cause] in token_refusal_cause(answer.body["error"], answer.body["reason"])


@then(parsers.re(rf"the token grants the scope {q('scope')} by that name or by all of its granular equivalents"))
def token_grants(world: World, scope: str) -> None:
    """An activated app issues the token; it holds the classic name or every granular equivalent."""
    answer = world.marketplace.token_answer
    assert answer is not None and answer.status == 200, answer
    held = set(answer.body["scope"].split(" "))
    equivalents = set(GRANULAR_EQUIVALENTS[scope])
    assert scope in held or equivalents <= held, f"{scope} not granted: missing {sorted(equivalents - held)} of {held}"


@then(parsers.re(rf"a token obtained with the app's credentials lists the scope {q('scope')}"))
def token_lists_scope(world: World, scope: str) -> None:
    answer = world.marketplace.request_token()
    assert answer.status == 200, answer.body
    assert scope in answer.body["scope"].split(" ")


@when("a token is requested with the provisioning app's account ID, client ID and client secret")
def request_provisioning_token(world: World) -> None:
    world.marketplace.request_token(world.zoom.target)


@when("a token is requested with a wrong client secret")
def request_with_wrong_secret(world: World) -> None:
    world.marketplace.request_token(world.zoom.target.with_credentials(client_secret="not-the-secret"))


@when("a token is requested with a JWT app's API key and API secret")
def request_with_jwt_credentials(world: World) -> None:
    # A JWT app had an API key and secret and no account ID: the nearest a client can send.
    world.marketplace.request_token(
        world.zoom.target.with_credentials(client_id="jwt-api-key", client_secret="jwt-api-secret")
    )


@when(parsers.re(rf"a token is requested with the grant {q('grant')}"))
def request_with_grant(world: World, grant: str) -> None:
    world.marketplace.request_token(world.zoom.target, grant_type=grant)


@then("the token is a bearer token that lasts one hour")
def bearer_for_an_hour(world: World) -> None:
    answer = world.marketplace.token_answer
    assert answer is not None and answer.status == 200, answer
    assert answer.body["token_type"] == "bearer"
    assert answer.body["expires_in"] in (3600, 3599)  # both are seen on Zoom's wire


@then("the token lists every documented scope:")
def lists_every_scope(world: World, datatable: list[list[str]]) -> None:
    assert world.marketplace.token_answer is not None
    held = world.marketplace.token_answer.body["scope"].split(" ")
    assert [row[0] for row in datatable[1:] if row[0] not in held] == [], held


@then("the token answer has the fields:")
def token_fields(world: World, datatable: list[list[str]]) -> None:
    assert world.marketplace.token_answer is not None
    assert set(world.marketplace.token_answer.body) == {row[0] for row in datatable[1:]}


@then("the token's scope is one space-separated string")
def scope_is_string(world: World) -> None:
    assert world.marketplace.token_answer is not None
    scope = world.marketplace.token_answer.body["scope"]
    assert isinstance(scope, str) and scope == " ".join(scope.split())


@then(parsers.re(rf"the token request is refused with {q('error')}"))
def token_refused_with(world: World, error: str) -> None:
    answer = world.marketplace.token_answer
    assert answer is not None and answer.status == 400, answer
    assert answer.body["error"] == error


@then("the refusal has a reason")
def refusal_reason(world: World) -> None:
    assert world.marketplace.token_answer is not None
    assert (
        set(world.marketplace.token_answer.body) == {"reason", "error"}
        and world.marketplace.token_answer.body["reason"]
    )


# -- the connection and channel activation ----------------------------------------------------


@then("the connection's Target asks for exactly these credentials:")
def target_fields(datatable: list[list[str]]) -> None:
    assert [row[0] for row in datatable[1:]] == list(CREDENTIAL_LABELS.values())


@given("the connection is given the provisioning app's credentials")
@when("the connection is given the provisioning app's credentials")
def provisioning_credentials(world: World) -> None:
    world.channel.set_target(world.zoom.target)


WRONG = {
    "client secret": {"client_secret": "not-the-secret"},
    "client ID": {"client_id": "not-the-client"},
    "account ID": {"account_id": "not-the-account"},
}


@given(parsers.parse("the connection is given a wrong {credential}"))
def wrong_credential(world: World, credential: str) -> None:
    world.channel.set_target(**WRONG[credential])


@given("the connection uses the new app's credentials")
def new_app_credentials(world: World) -> None:
    assert world.marketplace.app is not None
    world.channel.set_target(world.marketplace.app.target)


@given("the connection uses that app's credentials")
def that_app_credentials(world: World) -> None:
    assert world.marketplace.other_target is not None
    world.channel.set_target(world.marketplace.other_target)


@then("nothing has been sent to Zoom")
def nothing_sent(world: World) -> None:
    assert world.api.exchanges() == []


@given("the channel is activated")
@when("the channel is activated")
def activate_channel(world: World) -> None:
    world.channel.activate()


@then("the channel is active")
def channel_active(world: World) -> None:
    assert world.channel.refusal is None, world.channel.refusal
    assert world.channel.active


@then(parsers.re(rf"channel activation is refused because {q('cause')}"))
def channel_refused(world: World, cause: str) -> None:
    assert world.channel.refusal is not None, "the channel was activated"
    assert cause in world.channel.refusal, world.channel.refusal
    assert not world.channel.active


@then("channel activation names every missing scope:")
def names_every_scope(world: World, datatable: list[list[str]]) -> None:
    """Exactly the table's scopes are named as missing, no more and no fewer."""
    _names_exactly(world, {row[0] for row in datatable[1:]})


@then(parsers.re(rf"channel activation is refused naming exactly the missing scopes {q('scopes')}"))
def names_exactly(world: World, scopes: str) -> None:
    _names_exactly(world, {s.strip() for s in scopes.split(",")})


def _names_exactly(world: World, scopes: set[str]) -> None:
    import re

    assert world.channel.refusal is not None, "the channel was activated"
    named = re.findall(r"the token lacks the scope (\S+)", world.channel.refusal)
    assert set(named) == scopes, world.channel.refusal
    assert not world.channel.active


@given(parsers.re(rf"Zoom's token answers leave out the scopes {q('scopes')}"))
def scopes_left_out(world: World, scopes: str) -> None:
    world.zoom.leave_out_scopes([s.strip() for s in scopes.split(",")])


@given(parsers.parse("Zoom's token host answers as it does for an app that is {state}"))
def token_host_refuses(world: World, state: str) -> None:
    world.zoom.answer_as(oauth.app_refusal(state), route="oauth.token")


@given(parsers.parse("Zoom's SCIM API answers as it does for an account {condition}"))
def scim_refuses(world: World, condition: str) -> None:
    settings = {"sso_enabled": True, "plan": "Business", **ACCOUNT_CONDITIONS[condition]}
    refusal = scim.prerequisite_refusal(**settings)
    assert refusal is not None, condition
    world.zoom.answer_as(refusal, route="scim.*")


@given(parsers.re(rf"an activated app that holds every documented scope except {q('scope')}"))
def app_without_scope(world: World, scope: str) -> None:
    world.marketplace.app_with_scopes([s for s in REQUIRED_SCOPES if s != scope])


@given("an activated app with granular scopes in the provisioning account that holds:")
def granular_app(world: World, datatable: list[list[str]]) -> None:
    world.marketplace.granular_app([row[0] for row in datatable[1:]])


@then(parsers.re(rf"a token obtained with the app's credentials does not list the scope {q('scope')}"))
def token_lacks_scope(world: World, scope: str) -> None:
    answer = world.marketplace.request_token()
    assert answer.status == 200, answer.body
    assert scope not in answer.body["scope"].split(" "), answer.body["scope"]


@given(parsers.re(rf"an activated app that holds only the scopes {q('scopes')}"))
def app_with_only(world: World, scopes: str) -> None:
    world.marketplace.app_with_scopes([s.strip() for s in scopes.split(",")])


ACCOUNT_CONDITIONS = {"without SSO enabled": {"sso_enabled": False}, "on the Pro plan": {"plan": "Pro"}}


@given(parsers.parse("a Zoom account {condition} with an activated app holding the seven scopes"))
def unready_account(world: World, condition: str) -> None:
    world.marketplace.account_with(**ACCOUNT_CONDITIONS[condition])


@given("the channel is inactive")
def inactive_channel(world: World) -> None:
    world.channel.set(active=False)

Feature: Provisioning connection and target verification
  The SP connection's Target takes the app's account ID, client ID and client secret. PingFederate
  verifies them when the channel and the connection are activated, and refuses activation with a
  message that names the cause.

  Source: https://docs.pingidentity.com/integrations/zoom/setup/pf_zoom_connector_creating_a_provisioning_connection.html
  and PingFederate's channel activation (reference §14.3). What activation checks is inferred: a token,
  its scopes, and one SCIM2 call that also meets Zoom's SCIM prerequisites.

  Background:
    Given a Zoom account ready for provisioning

  @req:CONN-01
  Scenario: The Target takes exactly the account ID, client ID and client secret
    Then the connection's Target asks for exactly these credentials:
      | credential    |
      | Account ID    |
      | Client ID     |
      | Client Secret |
    When the connection is given the provisioning app's credentials
    And the channel is activated
    Then the channel is active

  @req:CONN-02
  Scenario: Credentials are verified at activation, not when typed in
    Given the connection is given a wrong client secret
    Then nothing has been sent to Zoom
    When the channel is activated
    Then channel activation is refused because "the client ID or client secret is wrong"

  @req:CONN-03
  Scenario Outline: A wrong client secret or client ID refuses activation
    Given the connection is given a wrong <credential>
    When the channel is activated
    Then channel activation is refused because "the client ID or client secret is wrong"

    Examples:
      | credential    |
      | client secret |
      | client ID     |

  @req:CONN-04
  Scenario: A wrong account ID refuses activation
    Given the connection is given a wrong account ID
    When the channel is activated
    Then channel activation is refused because "the account ID does not match the app's account"

  @req:CONN-05 @emulator-only
  Scenario Outline: An app that is not activated, deactivated or deleted refuses activation
    Given the administrator built a Server-to-Server OAuth app named "Connection app"
    And the administrator completed the app with the seven scopes
    And the app is <state>
    And the connection uses the new app's credentials
    When the channel is activated
    Then channel activation is refused because "<cause>"

    Examples:
      | state                       | cause                                   |
      | never activated             | the app is not activated                |
      | deactivated after activation | the app is not activated                |
      | deleted after activation     | the client ID or client secret is wrong |

  @req:CONN-05 @injects-faults
  Scenario Outline: Zoom's refusal of the app's token refuses activation, naming the cause
    Given Zoom's token host answers as it does for an app that is <state>
    When the channel is activated
    Then channel activation is refused because "<cause>"

    Examples:
      | state         | cause                                   |
      | not activated | the app is not activated                |
      | deleted       | the client ID or client secret is wrong |

  @req:CONN-06 @emulator-only
  Scenario Outline: A token that lacks a required scope refuses activation, naming it
    Given an activated app that holds every documented scope except "<scope>"
    And the connection uses that app's credentials
    When the channel is activated
    Then channel activation is refused because "the token lacks the scope <scope>"

    Examples:
      | scope               |
      | user:master         |
      | user:read:admin     |
      | user:write:admin    |
      | account:master      |
      | account:read:admin  |
      | account:write:admin |
      | scim2               |

  @req:CONN-06 @emulator-only
  Scenario: Every missing scope is named
    Given an activated app that holds only the scopes "scim2, user:read:admin"
    And the connection uses that app's credentials
    When the channel is activated
    Then channel activation names every missing scope:
      | scope               |
      | user:master         |
      | user:write:admin    |
      | account:master      |
      | account:read:admin  |
      | account:write:admin |

  @req:CONN-06 @injects-faults
  Scenario Outline: Token answers that leave out scopes refuse activation, naming exactly those
    Given Zoom's token answers leave out the scopes "<left out>"
    When the channel is activated
    Then channel activation is refused naming exactly the missing scopes "<left out>"

    Examples:
      | left out                                   |
      | scim2                                      |
      | user:master                                |
      | user:write:admin, account:read:admin       |

  @req:CONN-07 @emulator-only
  Scenario Outline: A Zoom account that fails the SCIM prerequisites refuses activation
    Given a Zoom account <condition> with an activated app holding the seven scopes
    And the connection uses that app's credentials
    When the channel is activated
    Then channel activation is refused because "<cause>"

    Examples:
      | condition                 | cause                                |
      | without SSO enabled       | SSO is not enabled                   |
      | on the Pro plan           | the account's plan does not include SCIM2 |

  @req:CONN-07 @injects-faults
  Scenario Outline: Zoom's SCIM refusal for an account that fails a prerequisite refuses activation
    Given Zoom's SCIM API answers as it does for an account <condition>
    When the channel is activated
    Then channel activation is refused because "<cause>"

    Examples:
      | condition           | cause                                     |
      | without SSO enabled | SSO is not enabled                        |
      | on the Pro plan     | the account's plan does not include SCIM2 |

  @req:CONN-08
  Scenario: An inactive channel provisions nothing until it is activated
    Given the channel is inactive
    And the directory has the users:
      | user |
      | ann  |
    When a provisioning cycle runs
    Then Zoom has no user "ann"
    When the channel is activated
    And a provisioning cycle runs
    Then Zoom has the user "ann"

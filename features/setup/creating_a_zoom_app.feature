Feature: Creating a Zoom app
  To integrate PingFederate with Zoom, the administrator adds it as a Server-to-Server OAuth app
  in the Zoom App Marketplace, fills in its information, adds seven scopes and activates it.

  Source: https://docs.pingidentity.com/integrations/zoom/setup/pf_zoom_connector_creating_an_app_in_zoom.html

  Background:
    Given a Zoom account ready for provisioning

  @req:APP-01 @req:APP-02 @emulator-only
  Scenario: Building a Server-to-Server OAuth app shows its credentials
    When the administrator builds a Server-to-Server OAuth app named "PingFederate provisioning"
    Then the App credentials tab shows an account ID, a client ID and a client secret
    And the app's account ID is the account's own

  @req:APP-03 @req:APP-04 @req:APP-05 @emulator-only
  Scenario: An app with its information, company name, developer contact and a scope is activated
    Given the administrator built a Server-to-Server OAuth app named "PingFederate provisioning"
    When the administrator describes the app as "Provisions users from PingFederate"
    And the administrator enters the company name "Example Corp"
    And the administrator enters the developer contact "Dana Admin" with the email "dana@example.com"
    And the administrator adds the scope "scim2"
    And the administrator activates the app
    Then the app is activated
    And the app's Information tab shows the description "Provisions users from PingFederate"

  @req:APP-04 @emulator-only
  Scenario: Activation without a company name is refused
    Given the administrator built a Server-to-Server OAuth app named "No company"
    And the administrator enters the developer contact "Dana Admin" with the email "dana@example.com"
    And the administrator adds the scope "scim2"
    When the administrator activates the app
    Then activation is refused because the "company name" is missing
    And a token request with the app's credentials is refused because the app is not activated

  @req:APP-05 @emulator-only
  Scenario Outline: Activation without the developer contact is refused
    Given the administrator built a Server-to-Server OAuth app named "No contact"
    And the administrator enters the company name "Example Corp"
    And the administrator enters the developer contact "<name>" with the email "<email>"
    And the administrator adds the scope "scim2"
    When the administrator activates the app
    Then activation is refused because the "<missing>" is missing

    Examples:
      | name       | email            | missing                 |
      |            | dana@example.com | developer contact name  |
      | Dana Admin |                  | developer contact email |
      |            |                  | developer contact name  |

  @req:APP-06 @emulator-only
  Scenario: Features are optional and do not change provisioning
    Given the administrator built a Server-to-Server OAuth app named "With features"
    And the administrator completed the app with the seven scopes and the features "events, team chat, multi-platform"
    And the administrator activated the app
    And the connection uses the new app's credentials
    And the directory has the users:
      | user  |
      | alice |
    When a provisioning cycle runs
    Then Zoom has the user "alice"

  @emulator-only
  Scenario Outline: Each documented scope is added and is present in issued tokens
    Given the administrator built a Server-to-Server OAuth app named "Scoped"
    And the administrator completed the app without scopes
    When the administrator adds the scope "<scope>"
    And the administrator activates the app
    Then a token obtained with the app's credentials lists the scope "<scope>"

    @req:APP-07
    Examples: user:master
      | scope       |
      | user:master |

    @req:APP-08
    Examples: user:read:admin
      | scope           |
      | user:read:admin |

    @req:APP-09
    Examples: user:write:admin
      | scope            |
      | user:write:admin |

    @req:APP-10
    Examples: account:master
      | scope          |
      | account:master |

    @req:APP-11
    Examples: account:read:admin
      | scope              |
      | account:read:admin |

    @req:APP-12
    Examples: account:write:admin
      | scope               |
      | account:write:admin |

    @req:APP-13
    Examples: scim2
      | scope |
      | scim2 |

  Scenario Outline: The provisioning app's token grants each documented scope
    When a token is requested with the provisioning app's account ID, client ID and client secret
    Then the token grants the scope "<scope>" by that name or by all of its granular equivalents

    @req:APP-07
    Examples: user:master
      | scope       |
      | user:master |

    @req:APP-08
    Examples: user:read:admin
      | scope           |
      | user:read:admin |

    @req:APP-09
    Examples: user:write:admin
      | scope            |
      | user:write:admin |

    @req:APP-10
    Examples: account:master
      | scope          |
      | account:master |

    @req:APP-11
    Examples: account:read:admin
      | scope              |
      | account:read:admin |

    @req:APP-12
    Examples: account:write:admin
      | scope               |
      | account:write:admin |

    @req:APP-13
    Examples: scim2
      | scope |
      | scim2 |

  @req:APP-07 @req:APP-08 @req:APP-09 @req:APP-10 @req:APP-11 @req:APP-12 @req:APP-13 @emulator-only
  Scenario: An app without scopes cannot be activated
    Given the administrator built a Server-to-Server OAuth app named "Unscoped"
    And the administrator completed the app without scopes
    When the administrator activates the app
    Then activation is refused because the "scopes" is missing

  @req:APP-14 @emulator-only
  Scenario Outline: Only an activated app issues tokens
    Given the administrator built a Server-to-Server OAuth app named "Lifecycle"
    And the administrator completed the app with the seven scopes
    When the app is <state>
    Then a token request with the app's credentials is refused because <cause>

    Examples:
      | state                        | cause                    |
      | deactivated after activation | the app is not activated |
      | deleted after activation     | the client is unknown    |

  @req:APP-14 @emulator-only
  Scenario: A built app that was never activated gets no token
    Given the administrator built a Server-to-Server OAuth app named "Draft"
    And the administrator completed the app with the seven scopes
    Then a token request with the app's credentials is refused because the app is not activated

  @req:APP-15
  Scenario: The activated app's credentials obtain a bearer token with all seven scopes for one hour
    When a token is requested with the provisioning app's account ID, client ID and client secret
    Then the token is a bearer token that lasts one hour
    And the token lists every documented scope:
      | scope               |
      | user:master         |
      | user:read:admin     |
      | user:write:admin    |
      | account:master      |
      | account:read:admin  |
      | account:write:admin |
      | scim2               |

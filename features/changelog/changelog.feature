Feature: Changelog behaviours
  Version 1.3 authenticates with a Server-to-Server OAuth app (Zoom retired JWT apps on
  1 September 2023). Version 1.2 restores a re-enabled user's licence.

  Source: https://docs.pingidentity.com/integrations/zoom/release_notes/pf_zoom_connector_changelog.html

  Background:
    Given a Zoom account ready for provisioning

  @req:CHG-01
  Scenario: Authentication uses the Server-to-Server OAuth account ID, client ID and client secret
    When a token is requested with the provisioning app's account ID, client ID and client secret
    Then the token is a bearer token that lasts one hour

  @req:CHG-01
  Scenario: A JWT API key and secret are not accepted
    When a token is requested with a JWT app's API key and API secret
    Then the token request is refused with "invalid_client"

  @req:CHG-01
  Scenario: The account-credentials grant is the only grant accepted
    When a token is requested with the grant "client_credentials"
    Then the token request is refused with "unsupported_grant_type"

  @req:CHG-02
  Scenario: Re-enabling a user restores the user's licence without a separate update
    Given the channel maps "User Type" from the directory attribute "employeeType"
    And the directory has a user "cleo" whose "employeeType" is "Licensed"
    And a provisioning cycle has run
    And "cleo" is disabled in the directory
    And a provisioning cycle has run
    And the Zoom user "cleo" has the "User Type" "Basic"
    When "cleo" is enabled in the directory again
    And a provisioning cycle runs
    Then the Zoom user "cleo" is active
    And the Zoom user "cleo" has the "User Type" "Licensed"
    And re-enabling "cleo" sent Zoom one request, carrying active true and the User Type "Licensed"

  # With User Type unmapped, the licence to restore is the one Zoom last answered for the user.
  @req:CHG-02
  Scenario: With User Type unmapped, re-enabling restores the licence Zoom last showed for the user
    Given the directory has the users:
      | user | title    |
      | cleo | Engineer |
    And a provisioning cycle has run
    And an administrator makes "cleo" a "Licensed" user in Zoom
    And the directory changes the "title" of "cleo" to "Lead"
    And a provisioning cycle has run
    And "cleo" is disabled in the directory
    And a provisioning cycle has run
    And the Zoom user "cleo" has the "User Type" "Basic"
    When "cleo" is enabled in the directory again
    And a provisioning cycle runs
    Then the Zoom user "cleo" is active
    And the Zoom user "cleo" has the "User Type" "Licensed"

Feature: Zoom behaviours the connector relies on
  The wire behaviour of Zoom's token endpoint and SCIM2 API that the Zoom Provisioner depends on.

  Source: Zoom's OAuth and SCIM2 API documentation as summarised in zoom-api.md §1–§5.

  Background:
    Given a Zoom account ready for provisioning

  @req:ZM-01
  Scenario: The token endpoint answers the account_credentials grant
    When a token is requested with the provisioning app's account ID, client ID and client secret
    Then the token answer has the fields:
      | field        |
      | access_token |
      | token_type   |
      | expires_in   |
      | scope        |
      | api_url      |
    And the token is a bearer token that lasts one hour
    And the token's scope is one space-separated string

  @req:ZM-02
  Scenario: A wrong client gets HTTP 400 with a reason and an error
    When a token is requested with a wrong client secret
    Then the token request is refused with "invalid_client"
    And the refusal has a reason

  @req:ZM-02
  Scenario: An unsupported grant gets HTTP 400 with a reason and an error
    When a token is requested with the grant "authorization_code"
    Then the token request is refused with "unsupported_grant_type"
    And the refusal has a reason

  @req:ZM-03
  Scenario: An invalid token gets HTTP 401 with code 124
    When Zoom's SCIM users are listed with the token "not-a-real-token"
    Then Zoom answers 401 with code 124

  @req:ZM-03 @emulator-only
  Scenario: An expired token gets HTTP 401 with code 124
    Given a token of the provisioning app
    When an hour passes on Zoom's clock
    And Zoom's SCIM users are listed with that token
    Then Zoom answers 401 with code 124 saying "Access token is expired."

  @req:ZM-04 @emulator-only
  Scenario: A token without the endpoint's scope gets HTTP 400 with code 4711 naming the scopes
    Given an activated app that holds only the scopes "user:read:admin"
    When Zoom's SCIM users are listed with a token of that app
    Then Zoom answers 400 with code 4711 naming the scope "scim2:admin"

  @req:ZM-05
  Scenario: SCIM lists users with a 1-based startIndex, a count and a userName filter
    Given Zoom already has the users "lia, max, ned"
    When Zoom's SCIM users are listed from index 1, 2 at a time
    Then the list starts at index 1 with 2 users
    When Zoom's SCIM users are filtered by the username of "max"
    Then the list holds exactly the user "max"
    When Zoom's SCIM users are filtered by the username of "nobody"
    Then the list is empty

  @req:ZM-06
  Scenario: Creating a SCIM user whose userName exists gets HTTP 409
    Given Zoom already has the users "olga"
    When a SCIM user "olga" is created again
    Then Zoom answers 409

  @req:ZM-07
  Scenario: SCIM PATCH with active false deactivates a user and true reactivates it
    Given Zoom already has the users "pete"
    When the SCIM user "pete" is patched to active "false"
    Then the Zoom user "pete" is inactive
    When the SCIM user "pete" is patched to active "true"
    Then the Zoom user "pete" is active

  @req:ZM-08
  Scenario: SCIM DELETE answers 204 and the user is then gone
    Given Zoom already has the users "rita"
    When the SCIM user "rita" is deleted
    Then Zoom answers 204
    And fetching the SCIM user "rita" by id answers 404

  @req:ZM-09
  Scenario: Responses carry Zoom's rate-limit headers
    When Zoom's SCIM users are listed from index 1, 1 at a time
    Then the answer carries the rate-limit headers:
      | header                 |
      | X-RateLimit-Category   |
      | X-RateLimit-Limit      |
      | X-RateLimit-Remaining  |

  @req:ZM-09 @emulator-only
  Scenario: Past the limit Zoom answers 429 with its JSON body
    Given Zoom's clock stands still
    When Zoom's SCIM users are listed 61 times in one second
    Then the last answer is 429 with code 429 and the message "You have reached the maximum per-second rate limit for this API. Try again later."

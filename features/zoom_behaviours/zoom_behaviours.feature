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
    When Zoom's SCIM users are listed page by page, 2 at a time, from index 1 to the last
    Then every user of the account was listed exactly once, among them "lia, max, ned"
    And every page but the last held 2 users
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
      | header                | value       |
      | X-RateLimit-Category  | Medium      |
      | X-RateLimit-Limit     | 60          |
      | X-RateLimit-Remaining | 59 or fewer |

  @req:ZM-09 @emulator-only
  Scenario: Past the limit Zoom answers 429 with its JSON body
    Given Zoom's clock stands still
    When Zoom's SCIM users are listed 61 times in one second
    Then the last answer is 429 with code 429 and the message "You have reached the maximum per-second rate limit for this API. Try again later."

  @req:ZM-10 @emulator-only
  Scenario: The Marketplace builds an app with granular scopes, and its tokens carry granular names
    Given the administrator built a Server-to-Server OAuth app with granular scopes named "Granular provisioning"
    And the administrator completed the app without scopes
    When the administrator adds the scope "scim2:admin"
    And the administrator activates the app
    Then a token obtained with the app's credentials lists the scope "scim2:admin"
    And a token obtained with the app's credentials does not list the scope "scim2"
    When the administrator adds the scope "scim2"
    Then the Marketplace refuses the scope because "scim2 is a classic scope; this app uses granular scopes"

  @req:ZM-10 @emulator-only
  Scenario: An app holding the granular equivalents of the seven scopes is ready and provisions
    Given an activated app with granular scopes in the provisioning account that holds:
      | scope                                 |
      | user:read:list_users:master           |
      | user:read:user:master                 |
      | user:write:user:master                |
      | user:read:list_users:admin            |
      | user:read:user:admin                  |
      | user:write:user:admin                 |
      | user:update:user:admin                |
      | user:update:status:admin              |
      | user:delete:user:admin                |
      | account:read:list_sub_accounts:master |
      | account:write:sub_account:master      |
      | account:read:settings:admin           |
      | account:update:settings:admin         |
      | scim2:admin                           |
    And the connection uses that app's credentials
    And the directory has the users:
      | user |
      | gil  |
    When the channel is activated
    Then the channel is active
    When a provisioning cycle runs
    Then Zoom has the user "gil"

  @req:ZM-10 @emulator-only
  Scenario: A granular app without the SCIM scope is refused, naming the scope in both families
    Given an activated app with granular scopes in the provisioning account that holds:
      | scope                                 |
      | user:read:list_users:master           |
      | user:read:user:master                 |
      | user:write:user:master                |
      | user:read:list_users:admin            |
      | user:read:user:admin                  |
      | user:write:user:admin                 |
      | user:update:user:admin                |
      | user:update:status:admin              |
      | user:delete:user:admin                |
      | account:read:list_sub_accounts:master |
      | account:write:sub_account:master      |
      | account:read:settings:admin           |
      | account:update:settings:admin         |
    And the connection uses that app's credentials
    When the channel is activated
    Then channel activation is refused because "the token lacks the scope scim2 (granular: scim2:admin)"
    And channel activation names every missing scope:
      | scope |
      | scim2 |

  @req:ZM-11
  Scenario: A user's role is the same through SCIM and the REST API, and writing it back changes nothing
    Given Zoom already has the users "hana"
    Then Zoom shows "hana" with the role "Member" of id "2" through SCIM and the REST API
    When Zoom's SCIM record of "hana" is written back with the roles it shows
    Then Zoom shows "hana" with the role "Member" of id "2" through SCIM and the REST API

  @req:ZM-11 @emulator-only
  Scenario Outline: An Admin role set through SCIM is protected from deactivation and deletion
    Given Zoom already has the users "ivan"
    When the SCIM user "ivan" is given the role "<role>"
    Then Zoom shows "ivan" with the role "Admin" of id "1" through SCIM and the REST API
    When the SCIM user "ivan" is deactivated
    Then Zoom refuses with 400 saying "Zoom does not deactivate or delete users whose role is Admin."
    When the SCIM user "ivan" is deleted
    Then Zoom refuses with 400 saying "Zoom does not deactivate or delete users whose role is Admin."
    And the Zoom user "ivan" is active

    Examples:
      | role  |
      | Admin |
      | 1     |

  @req:ZM-12
  Scenario: SCIM list results carry fewer attributes than a SCIM GET of the same user
    Given Zoom already has the user "jack" with:
      | field        | value |
      | Organization | Acme  |
      | Department   | R&D   |
    When Zoom's SCIM users are filtered by the username of "jack"
    Then the listed user has the "Department" "R&D" and no "Organization"
    And the Zoom user "jack" has the "Organization" "Acme"

  @req:ZM-12 @req:UM-01
  Scenario: A linked user whose attributes already match is not updated, in this cycle or the next
    Given Zoom already has the user "kim" with:
      | field        | value |
      | Given Name   | Kim   |
      | Family Name  | Park  |
      | Organization | Acme  |
      | Department   | R&D   |
    And the directory has the users:
      | user | givenName | sn   | o    | departmentNumber |
      | kim  | Kim       | Park | Acme | R&D              |
    When a provisioning cycle runs
    Then the Zoom user "kim" is the one that existed before
    And nothing was written to Zoom in the last cycle
    When a provisioning cycle runs
    Then nothing was written to Zoom in the last cycle

  @req:ZM-13
  Scenario: A REST user update ignores the fields it does not take and applies the rest
    Given Zoom already has the users "lena"
    When a REST update of "lena" sends its own id, the email "someone.else@example.com" and the job title "Analyst"
    Then Zoom answers 204
    And Zoom's REST record of "lena" has the job title "Analyst" and the email of "lena"

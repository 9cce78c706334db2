Feature: Resilience of provisioning against Zoom's faults
  Provisioning keeps its promises when Zoom misbehaves: rate limits are honoured, server errors,
  timeouts and dropped connections are retried, an invalid or expired token is renewed, a
  deactivated app fails clearly and provisioning resumes once it is reactivated, and a process
  stopped mid-cycle resumes from its sync state. No user is lost or duplicated.

  Source: PingFederate outbound provisioning (reference §14) and Zoom's API (zoom-api.md §1.5, §1.6, §5).

  Background:
    Given a Zoom account ready for provisioning

  @req:ENG-08 @injects-faults
  Scenario Outline: A burst of 429s is honoured in both Retry-After forms
    Given the channel timeout is 600 seconds
    And Zoom answers the next 2 calls with 429 and a Retry-After of 1 second as <form>
    And the directory has 6 generated users
    When a provisioning cycle runs
    Then the cycle created 6, updated 0 and disabled 0 users
    And the provisioner waited at least 2 seconds
    And every generated user is in Zoom exactly once

    Examples:
      | form    |
      | seconds |
      | date    |

  @req:ENG-08 @injects-faults
  Scenario: A per-second 429 without a Retry-After is retried once the second has turned
    Given the channel timeout is 300 seconds
    And Zoom answers the next user creation with 429 for its per-second limit, without a Retry-After
    And the directory has 3 generated users
    When a provisioning cycle runs
    Then the cycle created 3, updated 0 and disabled 0 users
    And the provisioner waited at least 1 second
    And every generated user is in Zoom exactly once

  # The channel timeout cannot hold an operation until midnight: it fails naming Zoom's answer and
  # stays pending, and a cycle after the limit has reset creates the user.
  @req:ENG-08 @req:ENG-03 @injects-faults
  Scenario: A 429 for the daily limit fails the operation at once instead of waiting until midnight
    Given Zoom answers the next user creation with 429 for its daily limit
    And the directory has the users:
      | user |
      | iris |
    When a provisioning cycle runs
    Then the audit log records a failed CREATE for "iris" naming "429"
    And the cycle ended within 1 second
    And Zoom has no user "iris"
    When a provisioning cycle runs
    Then Zoom holds exactly one user "iris"

  @req:ENG-07 @injects-faults
  Scenario: A token revoked in the middle of a cycle is renewed and nothing is lost
    Given the directory has 6 generated users
    And Zoom revokes every token after the next 3 user creations
    When a provisioning cycle runs
    Then the cycle created 6, updated 0 and disabled 0 users
    And the provisioner asked for 2 access tokens
    And every generated user is in Zoom exactly once

  @req:ENG-07 @in-process
  Scenario: A token that expires in the middle of a cycle is renewed before it is refused
    Given the directory has 4 generated users
    And a provisioning cycle has run
    And Zoom's clock moves 3590 seconds on at the next user creation
    When 4 generated users join the directory
    And a provisioning cycle runs
    Then the cycle created 4, updated 0 and disabled 0 users
    And no call was refused for an expired token
    And the provisioner asked for 2 access tokens

  @req:ENG-03 @emulator-only
  Scenario: An app deactivated mid-cycle fails clearly, keeps the state, and resumes once reactivated
    Given the directory has 3 generated users
    And a provisioning cycle has run
    When the provisioning app is deactivated in the Marketplace
    And 2 generated users join the directory
    And a provisioning cycle runs
    Then the cycle failed 2 operations
    And the provisioner log gives the reason "not activated"
    When the provisioning app is activated again
    And a provisioning cycle runs
    Then the cycle created 2, updated 0 and disabled 0 users
    And every generated user is in Zoom exactly once

  @req:ENG-01 @req:ENG-09 @reference-only
  Scenario: A process stopped mid-cycle resumes from its sync state without duplicates
    Given the provisioner keeps its sync state in a file
    And the directory has 10 generated users
    When the provisioner is stopped after 4 operations of a cycle
    And the provisioner is restarted on the same sync state
    And a provisioning cycle runs
    Then every generated user is in Zoom exactly once
    And Zoom holds 10 generated users

  @req:ENG-09 @injects-faults
  Scenario Outline: Faults spread over a cycle are retried within it, and lose and duplicate nothing
    Given Zoom <fault> on every 3rd call for the next 12 calls
    And the directory has 8 generated users
    When a provisioning cycle runs
    Then the cycle created 8, updated 0 and disabled 0 users
    And every generated user is in Zoom exactly once
    When a provisioning cycle runs
    Then nothing was written to Zoom in the last cycle
    And every generated user is in Zoom exactly once

    Examples:
      | fault                |
      | answers 500          |
      | answers 503          |
      | answers 502          |
      | times out            |
      | drops the connection |

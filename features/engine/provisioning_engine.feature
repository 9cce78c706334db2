Feature: Provisioning engine behaviours
  PingFederate provisions in cycles and keeps the sync state in its provisioning database; it skips
  an operation that exceeds the channel timeout and retries it next cycle; Max Threads bounds the
  work against the target; every operation is audited and every cycle summarised. The token reuse,
  rate-limit and retry rules are how the harness's reference provisioner meets Zoom's API.

  Source: PingFederate outbound provisioning (reference §14) and Zoom's API (zoom-api.md §1, §5).

  Background:
    Given a Zoom account ready for provisioning

  @req:ENG-01 @reference-only
  Scenario: The sync state is persisted and survives a restart
    Given the provisioner keeps its sync state in a file
    And the directory has the users:
      | user  |
      | dina  |
      | eli   |
    And a provisioning cycle has run
    When the provisioner is restarted on the same sync state
    And "dina" is disabled in the directory
    And a provisioning cycle runs
    Then the cycle created 0, updated 0 and disabled 1 users
    And the Zoom user "dina" is inactive
    And Zoom holds exactly one user "eli"

  @req:ENG-02 @injects-faults
  Scenario Outline: An operation that exceeds the channel timeout is skipped and retried next cycle
    Given the channel timeout is <timeout> seconds
    And Zoom answers every user creation after <delay> seconds
    And the directory has the users:
      | user |
      | finn |
    When a provisioning cycle runs
    Then the audit log records a failed CREATE for "finn" naming "channel timeout"
    And the cycle ended within <timeout> seconds
    And Zoom has no user "finn"
    When Zoom answers user creations promptly again
    And a provisioning cycle runs
    Then Zoom holds exactly one user "finn"

    Examples:
      | timeout | delay |
      | 60      | 90    |
      | 30      | 45    |

  @req:ENG-02 @injects-faults
  Scenario Outline: An update, a re-enable, a disable or a delete that exceeds the channel timeout is skipped and retried next cycle
    Given the Remove User Action is "<action>"
    And the directory has the users:
      | user | title    |
      | finn | Engineer |
    And <history>
    And the channel timeout is 30 seconds
    And Zoom answers every <operation> after 45 seconds
    When <trigger>
    And a provisioning cycle runs
    Then the audit log records a failed <event> for "finn" naming "channel timeout"
    And the cycle ended within 30 seconds
    And in Zoom "finn" is <before>
    When Zoom answers promptly again
    And a provisioning cycle runs
    Then in Zoom "finn" is <after>

    Examples:
      | action  | history                                         | operation    | trigger                                                    | event   | before            | after              |
      | Disable | a provisioning cycle has run                    | user update  | the directory changes the "title" of "finn" to "Architect" | UPDATE  | titled "Engineer" | titled "Architect" |
      | Disable | "finn" was disabled in Zoom by an earlier cycle | user update  | "finn" is enabled in the directory again                   | ENABLE  | inactive          | active             |
      | Disable | a provisioning cycle has run                    | deactivation | "finn" is disabled in the directory                        | DISABLE | active            | inactive           |
      | Delete  | a provisioning cycle has run                    | deletion     | "finn" is deleted from the directory                       | DELETE  | active            | absent             |

  @req:ENG-02 @req:ENG-08 @injects-faults
  Scenario: A Retry-After that outlasts the channel timeout skips the operation as timed out, and the next cycle creates the user
    Given the channel timeout is 30 seconds
    And Zoom answers the next user creation with 429 and a Retry-After longer than the channel timeout
    And the directory has the users:
      | user |
      | gail |
    When a provisioning cycle runs
    Then the audit log records a failed CREATE for "gail" naming "channel timeout"
    And the cycle ended within 30 seconds
    And Zoom has no user "gail"
    When a provisioning cycle runs
    Then Zoom holds exactly one user "gail"

  @req:ENG-03 @injects-faults
  Scenario: A failed operation stays pending and is retried until it succeeds
    Given Zoom refuses the next 2 user creations with status 400
    And the directory has the users:
      | user |
      | gwen |
    When a provisioning cycle runs
    Then the cycle failed 1 operation
    When a provisioning cycle runs
    Then the cycle failed 1 operation
    When a provisioning cycle runs
    Then the cycle created 1, updated 0 and disabled 0 users
    And Zoom has the user "gwen"

  @req:ENG-03 @req:ENG-05 @req:ENG-09 @injects-faults
  Scenario: An operation Zoom keeps failing with a 5xx fails naming Zoom's answer, and a later cycle creates the user
    Given Zoom answers every user creation with status 503
    And the directory has the users:
      | user |
      | hugo |
    When a provisioning cycle runs
    Then the audit log records a failed CREATE for "hugo" naming "503"
    And Zoom has no user "hugo"
    When Zoom answers user creations promptly again
    And a provisioning cycle runs
    Then Zoom holds exactly one user "hugo"

  @req:ENG-04 @reference-only
  Scenario Outline: Max Threads bounds the concurrent operations against Zoom
    Given the channel's Max Threads is <threads>
    And Zoom takes 20 milliseconds to answer each call
    And the directory has 12 generated users
    When a provisioning cycle runs
    Then the cycle created 12, updated 0 and disabled 0 users
    And the most calls to Zoom in flight at once was <threads>

    Examples:
      | threads |
      | 1       |
      | 4       |

  @req:ENG-05
  Scenario: Each operation writes an audit record
    Given the directory has the users:
      | user |
      | hugo |
    When a provisioning cycle runs
    Then the audit log records a successful CREATE for "hugo"
    And the audit record of the creation of "hugo" names the user's directory GUID and Zoom id, the channel "zoom-users" and cycle 1
    And every audit record has the fields:
      | field             |
      | time              |
      | cycle_id          |
      | channel_id        |
      | event_type        |
      | source_id         |
      | target_id         |
      | is_success        |
      | non_success_cause |

  @req:ENG-05
  Scenario Outline: An update, a disable, a re-enable and a delete each write their audit record
    Given the Remove User Action is "<action>"
    And the directory has the users:
      | user | title    |
      | hugo | Engineer |
    And <history>
    When <trigger>
    And a provisioning cycle runs
    Then the audit log records a successful <event> for "hugo"

    Examples:
      | action  | history                                         | trigger                                                    | event   |
      | Disable | a provisioning cycle has run                    | the directory changes the "title" of "hugo" to "Architect" | UPDATE  |
      | Disable | a provisioning cycle has run                    | "hugo" is disabled in the directory                        | DISABLE |
      | Disable | "hugo" was disabled in Zoom by an earlier cycle | "hugo" is enabled in the directory again                   | ENABLE  |
      | Delete  | a provisioning cycle has run                    | "hugo" is deleted from the directory                       | DELETE  |

  @req:ENG-06
  Scenario: Each cycle writes a channel summary
    Given the directory has the users:
      | user |
      | ines |
      | jon  |
    And a provisioning cycle has run
    When "jon" is disabled in the directory
    And the directory changes the "title" of "ines" to "Lead"
    And a provisioning cycle runs
    Then the channel summary reports:
      | count    | value |
      | created  | 0     |
      | updated  | 1     |
      | disabled | 1     |
      | deleted  | 0     |
      | failed   | 0     |

  @req:ENG-06
  Scenario: The channel summary counts deletions apart from disables
    Given the Remove User Action is "Delete"
    And the directory has the users:
      | user |
      | ines |
      | jon  |
    And a provisioning cycle has run
    When "jon" is deleted from the directory
    And a provisioning cycle runs
    Then the channel summary reports:
      | count    | value |
      | created  | 0     |
      | updated  | 0     |
      | disabled | 0     |
      | deleted  | 1     |
      | failed   | 0     |

  @req:ENG-06 @injects-faults
  Scenario: The channel summary's duration is the time the cycle took
    Given Zoom answers every user creation after 3 seconds for the next 2 calls
    And the directory has the users:
      | user |
      | kai  |
      | lou  |
    When a provisioning cycle runs
    Then the channel summary reports:
      | count   | value |
      | created | 2     |
    And the channel summary reports a duration of 6 seconds

  @req:ENG-07
  Scenario: One access token serves many operations
    Given the directory has 15 generated users
    When a provisioning cycle runs
    Then the cycle created 15, updated 0 and disabled 0 users
    And the provisioner asked for 1 access token

  @req:ENG-07 @in-process
  Scenario: The token is renewed before it expires
    Given the directory has 3 generated users
    And a provisioning cycle has run
    When an hour passes on Zoom's clock
    And a generated user joins the directory
    And a provisioning cycle runs
    Then the provisioner asked for 2 access tokens
    And no call was refused for an expired token

  @req:ENG-07 @injects-faults
  Scenario: The token is renewed once after a 401 for an invalid token
    Given the directory has 2 generated users
    And a provisioning cycle has run
    And Zoom invalidates every token at the next user creation
    When a generated user joins the directory
    And a provisioning cycle runs
    Then the cycle created 1, updated 0 and disabled 0 users
    And the provisioner asked for 2 access tokens

  @req:ENG-08 @injects-faults
  Scenario Outline: A 429 is honoured and no operation is lost
    Given the channel timeout is 300 seconds
    And Zoom answers the next user creation with 429 and a Retry-After of 2 seconds as <form>
    And the directory has 3 generated users
    When a provisioning cycle runs
    Then the cycle created 3, updated 0 and disabled 0 users
    And the provisioner waited at least 2 seconds
    And every generated user is in Zoom exactly once

    Examples:
      | form    |
      | seconds |
      | date    |

  @req:ENG-09 @injects-faults
  Scenario Outline: A 5xx, a timeout or a dropped connection is retried without loss or duplicates
    Given Zoom <fault> on the next 2 user creations, after applying them
    And the directory has 3 generated users
    When a provisioning cycle runs
    Then the cycle created 3, updated 0 and disabled 0 users
    And every generated user is in Zoom exactly once

    Examples:
      | fault                          |
      | answers 503                    |
      | answers 502                    |
      | times out                      |
      | drops the connection           |

  # A creation that times out leaves open whether Zoom applied it, and here no time is left to look
  # the user up: the user who is disabled before the next cycle is looked for in Zoom, disabled
  # there if the creation landed, and nothing is created or left behind either way; re-enabled,
  # the user is in Zoom once.
  @req:ENG-02 @req:ENG-09 @req:UM-07 @injects-faults @in-process
  Scenario Outline: A user whose creation timed out and who is disabled before the next cycle is disabled in Zoom if the creation landed
    Given the channel timeout is 30 seconds
    And Zoom holds the next user creation past the channel timeout, <when> applying it
    And the directory has the users:
      | user |
      | ivy  |
    When a provisioning cycle runs
    Then the audit log records a failed CREATE for "ivy" naming "channel timeout"
    When "ivy" is disabled in the directory
    And a provisioning cycle runs
    Then in Zoom "ivy" is <result>
    When "ivy" is enabled in the directory again
    And a provisioning cycle runs
    Then in Zoom "ivy" is active
    And Zoom holds exactly one user "ivy"

    Examples:
      | when   | result   |
      | after  | inactive |
      | before | absent   |

  @req:ENG-09 @req:OPT-07 @injects-faults
  Scenario Outline: A deletion whose answer is lost is retried, and the user is gone once
    Given the Remove User Action is "Delete"
    And the directory has the users:
      | user |
      | jude |
    And a provisioning cycle has run
    And Zoom <fault> on the next deletion, <when> applying it
    When "jude" is deleted from the directory
    And a provisioning cycle runs
    Then the audit log records a successful DELETE for "jude"
    And in Zoom "jude" is absent
    When a provisioning cycle runs
    Then nothing was written to Zoom in the last cycle

    Examples:
      | fault                | when   |
      | drops the connection | after  |
      | drops the connection | before |
      | answers 503          | after  |

  @req:ENG-09 @injects-faults
  Scenario: A fault before the request lands is retried too
    Given Zoom drops the connection on the next 2 user creations, before applying them
    And the directory has 3 generated users
    When a provisioning cycle runs
    Then the cycle created 3, updated 0 and disabled 0 users
    And every generated user is in Zoom exactly once

Feature: User management
  The connector links directory users to Zoom users by Username (mail by default), creates users
  who enter the targeted group or filter, sends changes of mapped attributes only, and
  deprovisions users who are deleted, disabled or leave the targeted group or filter.

  Source: https://docs.pingidentity.com/integrations/zoom/pf_zoom_connector_user_management.html

  Background:
    Given a Zoom account ready for provisioning

  @req:UM-01
  Scenario: An existing Zoom user with the same Username is linked, not duplicated
    Given Zoom already has the user "jsmith" with the title "Old title"
    And the directory has the users:
      | user   | title     |
      | jsmith | New title |
    When a provisioning cycle runs
    Then Zoom holds exactly one user "jsmith"
    And the Zoom user "jsmith" is the one that existed before
    And the Zoom user "jsmith" has the "Title" "New title"

  # A cycle of many new users may look them up in Zoom's paged user list (ZM-05) instead of one by
  # one. With User Create cleared, a user the connector fails to find is skipped, not linked. After
  # the account's owner, "xena" is second in Zoom's list of 101 users and "zack" last, on a second
  # page of 100.
  @req:UM-01 @req:OPT-02 @emulator-only
  Scenario: A cycle of many new users links every user Zoom already has, wherever it is in Zoom's user list
    Given User Create is cleared
    And Zoom already has the user "xena" with the title "Old title"
    And Zoom already has 98 users the directory does not know
    And Zoom already has the user "zack" with the title "Old title"
    And the directory has 20 generated users
    And the directory has the users:
      | user | title     |
      | xena | New title |
      | zack | New title |
    When a provisioning cycle runs
    Then no Zoom user was created
    And the Zoom user "xena" has the "Title" "New title"
    And the Zoom user "zack" has the "Title" "New title"
    And the Zoom user "zack" is the one that existed before

  @req:UM-02
  Scenario: The attribute that feeds Username can be changed
    Given the channel maps "Username" from the directory attribute "workEmail"
    And the directory has a user "kate" whose work email is "kate.work"
    When a provisioning cycle runs
    Then Zoom has a user with the username of "kate.work"
    And Zoom has no user "kate"

  @req:UM-03
  Scenario: A user who enters the targeted filter is created
    Given the channel's source location is the filter "(&(objectClass=inetOrgPerson)(ou=Zoom))"
    And the directory has the users:
      | user | ou    |
      | liam | Other |
    And a provisioning cycle has run
    And Zoom has no user "liam"
    When the directory changes the "ou" of "liam" to "Zoom"
    And a provisioning cycle runs
    Then Zoom has the user "liam"

  @req:UM-03
  Scenario: A user who enters the targeted group is created
    Given the directory has the users:
      | user |
      | mia  |
      | noah |
    And the channel's source location is the group "zoom-users" with the members "mia"
    And a provisioning cycle has run
    When "noah" joins the group "zoom-users"
    And a provisioning cycle runs
    Then Zoom has the user "noah"

  @req:UM-04
  Scenario: A change of a mapped attribute updates the Zoom user with that attribute alone
    Given the directory has the users:
      | user | title    | departmentNumber |
      | omar | Engineer | R&D              |
    And a provisioning cycle has run
    When the directory changes the "title" of "omar" to "Staff Engineer"
    And a provisioning cycle runs
    Then the Zoom user "omar" has the "Title" "Staff Engineer"
    And the last update sent to Zoom carried only the "Title" "Staff Engineer"

  @req:UM-05
  Scenario: A change of an unmapped attribute sends nothing to Zoom
    Given the directory has the users:
      | user | title    |
      | pia  | Engineer |
    And a provisioning cycle has run
    When the directory changes the "description" of "pia" to "Not mapped anywhere"
    And a provisioning cycle runs
    Then nothing was written to Zoom in the last cycle
    And the last cycle wrote no audit record

  @req:UM-06 @req:UM-07 @req:UM-08
  Scenario Outline: Deprovisioning follows the Remove User Action
    Given the channel's source location is the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))"
    And the Remove User Action is "<action>"
    And the directory has the users:
      | user  |
      | quinn |
    And a provisioning cycle has run
    When <trigger>
    And a provisioning cycle runs
    Then the Zoom user "quinn" is <result>

    Examples:
      | trigger                                     | action  | result   |
      | "quinn" is deleted from the directory       | Disable | inactive |
      | "quinn" is disabled in the directory        | Disable | inactive |
      | "quinn" no longer meets the source location | Disable | inactive |
      | "quinn" is deleted from the directory       | Delete  | deleted  |
      | "quinn" is disabled in the directory        | Delete  | deleted  |
      | "quinn" no longer meets the source location | Delete  | deleted  |

  @req:UM-08
  Scenario: A user removed from the targeted group is deprovisioned
    Given the directory has the users:
      | user |
      | rosa |
    And the channel's source location is the group "zoom-users" with the members "rosa"
    And a provisioning cycle has run
    When "rosa" leaves the group "zoom-users"
    And a provisioning cycle runs
    Then the Zoom user "rosa" is inactive

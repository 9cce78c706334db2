Feature: Known limitations
  The Zoom Provisioner provisions no groups; with a group DN, a deleted user waits for a new group
  member; cleared attributes stay in Zoom; Roles holds one value; Zoom will not disable or delete
  an Admin or Owner; a status change in a cycle carries no attribute changes.

  Source: https://docs.pingidentity.com/integrations/zoom/release_notes/pf_zoom_connector_known_issues_and_limitations.html

  Background:
    Given a Zoom account ready for provisioning

  @req:LIM-01
  Scenario: Groups are not provisioned
    Given the directory has the users:
      | user |
      | sara |
    And the directory has the group "Engineering" with the members "sara"
    When a provisioning cycle runs
    Then Zoom has the user "sara"
    And Zoom has no group "Engineering"

  @req:LIM-02
  Scenario: With a group DN, a deleted user is deprovisioned only after a new user joins the group
    Given the directory has the users:
      | user  |
      | theo  |
      | ursula |
      | vera  |
    And the channel's source location is the group "zoom-users" with the members "theo, ursula"
    And a provisioning cycle has run
    When "theo" is deleted from the directory
    And a provisioning cycle runs
    Then the Zoom user "theo" is active
    When "vera" joins the group "zoom-users"
    And a provisioning cycle runs
    Then the Zoom user "theo" is inactive
    And the Zoom user "vera" is active

  @req:LIM-03
  Scenario: A cleared source attribute is not cleared in Zoom
    Given the directory has the users:
      | user   | title   |
      | walter | Manager |
    And a provisioning cycle has run
    When the directory clears the "title" of "walter"
    And a provisioning cycle runs
    Then the Zoom user "walter" has the "Title" "Manager"

  @req:LIM-04
  Scenario: Zoom holds a single Roles value and extra values are not sent
    Given the channel maps "Roles" from the directory attribute "employeeType"
    And the directory has a user "xena" whose "employeeType" values are "Student, Engineer"
    When a provisioning cycle runs
    Then the Zoom user "xena" has the "Roles" "Student"
    And no request sent to Zoom carried the role "Engineer"
    And the provisioner log warns in the user workflow section that "Zoom accepts a single Roles value"

  @req:LIM-04
  Scenario: An update that gives Roles several values sends only the first, and warns
    Given the channel maps "Roles" from the directory attribute "employeeType"
    And the directory has a user "yuri" whose "employeeType" is "Student"
    And a provisioning cycle has run
    When the directory changes the "employeeType" values of "yuri" to "Engineer, Manager"
    And a provisioning cycle runs
    Then the Zoom user "yuri" has the "Roles" "Engineer"
    And no request sent to Zoom carried the role "Manager"
    And the provisioner log warns in the user workflow section that "Zoom accepts a single Roles value"

  @req:LIM-05 @injects-faults
  Scenario Outline: Zoom refuses to disable or delete an Admin or Owner, and nothing else is lost
    Given the Remove User Action is "<action>"
    And the directory has the users:
      | user  |
      | yusuf |
      | zara  |
    And a provisioning cycle has run
    And Zoom gives "yusuf" the role "<role>"
    When "yusuf" is disabled in the directory
    And "zara" is disabled in the directory
    And a provisioning cycle runs
    Then the Zoom user "yusuf" is active
    And the Zoom user "zara" is <zara>
    And the audit log records a failed <event> for "yusuf" naming "<role>"

    Examples:
      | action  | role  | zara     | event   |
      | Disable | Admin | inactive | DISABLE |
      | Delete  | Admin | deleted  | DELETE  |
      | Disable | Owner | inactive | DISABLE |

  @req:LIM-06
  Scenario: Attribute changes in the same cycle as a re-enable wait for the user's next change
    Given the directory has the users:
      | user  | title  |
      | abby  | Before |
    And a provisioning cycle has run
    And "abby" is disabled in the directory
    And a provisioning cycle has run
    When "abby" is enabled in the directory again
    And the directory changes the "title" of "abby" to "During"
    And a provisioning cycle runs
    Then the Zoom user "abby" is active
    And the Zoom user "abby" has the "Title" "Before"
    When a provisioning cycle runs
    Then the Zoom user "abby" has the "Title" "Before"
    When the directory changes the "sn" of "abby" to "Next"
    And a provisioning cycle runs
    Then the Zoom user "abby" has the "Title" "During"

  @req:LIM-06
  Scenario: Attribute changes in the same cycle as a disable are not sent
    Given the directory has the users:
      | user | title  |
      | bert | Before |
    And a provisioning cycle has run
    When "bert" is disabled in the directory
    And the directory changes the "title" of "bert" to "During"
    And a provisioning cycle runs
    Then the Zoom user "bert" is inactive
    And the Zoom user "bert" has the "Title" "Before"

Feature: Provisioning options
  The Target tab offers User Create, User Update and User Disable/Delete (each selected by default)
  and the Remove User Action (Disable by default). A cleared option suppresses its action and
  PingFederate writes a warning in the user workflow section of provisioner.log.

  Source: https://docs.pingidentity.com/integrations/zoom/setup/pf_zoom_connector_provisioning_options_reference.html

  Background:
    Given a Zoom account ready for provisioning
    And the directory has the users:
      | user  | title    |
      | alice | Engineer |

  @req:OPT-01
  Scenario: The options default to create, update and disable
    Then the provisioning options are:
      | option              | value    |
      | User Create         | selected |
      | User Update         | selected |
      | User Disable/Delete | selected |
      | Remove User Action  | Disable  |

  @req:OPT-02
  Scenario: With User Create cleared no user is created
    Given User Create is cleared
    When a provisioning cycle runs
    Then Zoom has no user "alice"
    And the provisioner log warns in the user workflow section that "User Create is not selected"

  @req:OPT-03
  Scenario: With User Update cleared no user is updated
    Given a provisioning cycle has run
    And User Update is cleared
    When the directory changes the "title" of "alice" to "Architect"
    And a provisioning cycle runs
    Then the Zoom user "alice" has the "Title" "Engineer"
    And the provisioner log warns in the user workflow section that "User Update is not selected"

  @req:OPT-04
  Scenario: With User Update selected a returning user is re-enabled
    Given a provisioning cycle has run
    And "alice" is disabled in the directory
    And a provisioning cycle has run
    And the Zoom user "alice" is inactive
    When "alice" is enabled in the directory again
    And a provisioning cycle runs
    Then the Zoom user "alice" is active

  @req:OPT-05
  Scenario: With User Disable/Delete cleared no user is disabled or deleted
    Given a provisioning cycle has run
    And User Disable/Delete is cleared
    When "alice" is disabled in the directory
    And a provisioning cycle runs
    Then the Zoom user "alice" is active
    And the provisioner log warns in the user workflow section that "User Disable/Delete is not selected"

  @req:OPT-06 @req:OPT-07 @req:OPT-08
  Scenario Outline: The Remove User Action applies to every deprovisioning trigger
    Given the channel's source location is the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))"
    And the Remove User Action is "<action>"
    And a provisioning cycle has run
    When <trigger>
    And a provisioning cycle runs
    Then the Zoom user "alice" is <result>

    Examples:
      | action  | trigger                                         | result  |
      | Disable | "alice" is disabled in the directory            | inactive |
      | Disable | "alice" is deleted from the directory           | inactive |
      | Disable | "alice" no longer meets the source location     | inactive |
      | Delete  | "alice" is disabled in the directory            | deleted  |
      | Delete  | "alice" is deleted from the directory           | deleted  |
      | Delete  | "alice" no longer meets the source location     | deleted  |

  @req:OPT-02 @req:OPT-03 @req:OPT-05
  Scenario Outline: Options matrix: each cleared option suppresses only its own action
    Given a provisioning cycle has run
    And the provisioning options are User Create <create>, User Update <update>, User Disable/Delete <remove>
    And the directory has the users:
      | user | title   |
      | bob  | Analyst |
    When the directory changes the "title" of "alice" to "Architect"
    And a provisioning cycle runs
    Then Zoom <bob in Zoom> "bob"
    And the Zoom user "alice" has the "Title" "<alice title>"

    Examples:
      | create   | update   | remove   | bob in Zoom  | alice title |
      | selected | selected | selected | has the user | Architect   |
      | cleared  | selected | selected | has no user  | Architect   |
      | selected | cleared  | selected | has the user | Engineer    |
      | cleared  | cleared  | cleared  | has no user  | Engineer    |

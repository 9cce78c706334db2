Feature: Attribute mapping and its processing options
  Each Zoom field is fed from one or more source attributes, or from a Default Value, and the value
  is processed before it is sent: Create Only, Trim, Mask Log Values, Upper or Lower case, and the
  parsers Extract CN from DN and Extract Username from Email.

  Source: PingFederate's attribute mapping for a SaaS connection (reference §14.4).

  Background:
    Given a Zoom account ready for provisioning

  @req:MAP-01
  Scenario: A field takes the first of its attributes that has a value, else its Default Value
    Given the channel maps "Title" from the directory attributes "title, description" with the default value "Staff"
    And the directory has the users:
      | user  | title | description |
      | alice | Chief | Writer      |
      | bob   |       | Writer      |
      | carol |       |             |
    When a provisioning cycle runs
    Then the Zoom user "alice" has the "Title" "Chief"
    And the Zoom user "bob" has the "Title" "Writer"
    And the Zoom user "carol" has the "Title" "Staff"

  @req:MAP-02
  Scenario: Trim strips the blanks around a value
    Given the channel maps "Title" from the directory attribute "title" with Trim
    And the directory has a user "alice" whose "title" is "  Chief Officer  "
    When a provisioning cycle runs
    Then the Zoom user "alice" has the "Title" "Chief Officer"

  @req:MAP-03 @req:MAP-04
  Scenario Outline: A processing option changes the value before it reaches Zoom
    Given the channel maps "Title" from the directory attribute "title" with <option>
    And the directory has a user "alice" whose "title" is "<stored>"
    When a provisioning cycle runs
    Then the Zoom user "alice" has the "Title" "<sent>"

    Examples:
      | option                      | stored                                     | sent          |
      | Upper case                  | Chief Officer                              | CHIEF OFFICER |
      | Lower case                  | Chief Officer                              | chief officer |
      | Extract CN from DN          | cn=Chief Officer,ou=titles,dc=example,dc=com | Chief Officer |
      | Extract CN from DN          | Chief Officer                              | Chief Officer |
      | Extract Username from Email | chief.officer@example.com                  | chief.officer |
      | Extract Username from Email, Upper case | chief.officer@example.com      | CHIEF.OFFICER |

  @req:MAP-05
  Scenario: A Create Only field is set at creation and never updated, while the others are
    Given the channel maps "Title" from the directory attribute "title" with Create Only
    And the directory has the users:
      | user | title | departmentNumber |
      | dora | Chief | 10               |
    And a provisioning cycle has run
    When the directory changes the "title" of "dora" to "Boss"
    And the directory changes the "departmentNumber" of "dora" to "20"
    And a provisioning cycle runs
    And the directory changes the "title" of "dora" to "Head"
    And a provisioning cycle runs
    Then the Zoom user "dora" has the "Title" "Chief"
    And the Zoom user "dora" has the "Department" "20"

  @req:MAP-06
  Scenario: Mask Log Values hides the field's values in the provisioner's log
    Given the channel maps "Roles" from the directory attribute "employeeType" with Mask Log Values
    And the directory has a user "xena" whose "employeeType" values are "Student, Engineer"
    When a provisioning cycle runs
    Then the Zoom user "xena" has the "Roles" "Student"
    And the provisioner log warns in the user workflow section that "Zoom accepts a single Roles value"
    And the provisioner log never shows "Student"
    And the provisioner log never shows "Engineer"

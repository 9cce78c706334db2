Feature: Supported attributes
  The Zoom Provisioner maps eleven attributes. Username is the only required one and must be an
  email address; Roles holds a single value; User Type is Basic, Licensed or On-Prem.

  Source: https://docs.pingidentity.com/integrations/zoom/setup/pf_zoom_connector_supported_attributes_reference.html
  The SCIM2 attribute behind each field is inferred from Zoom's SCIM2 API (reference §7).

  Background:
    Given a Zoom account ready for provisioning

  Scenario Outline: <field> reaches Zoom
    Given the channel maps "<field>" from the directory attribute "<attribute>"
    And the directory has a user "alice" whose "<attribute>" is "<value>"
    When a provisioning cycle runs
    Then the Zoom user "alice" has the "<field>" "<value>"
    And the creation of "alice" sent Zoom the "<field>" "<value>"

    @req:ATTR-03
    Examples: Department
      | field      | attribute        | value |
      | Department | departmentNumber | Sales |

    @req:ATTR-04
    Examples: Family Name
      | field       | attribute | value  |
      | Family Name | sn        | Jensen |

    @req:ATTR-05
    Examples: Given Name
      | field      | attribute | value   |
      | Given Name | givenName | Barbara |

    @req:ATTR-06
    Examples: Locale
      | field  | attribute         | value |
      | Locale | preferredLanguage | fr-FR |

    @req:ATTR-07
    Examples: Organization
      | field        | attribute | value       |
      | Organization | o         | Example Inc |

    @req:ATTR-08
    Examples: Phone
      | field | attribute       | value          |
      | Phone | telephoneNumber | +1 2015550123  |

    @req:ATTR-09
    Examples: Roles
      | field | attribute    | value   |
      | Roles | employeeType | Student |

    @req:ATTR-10
    Examples: Title
      | field | attribute | value          |
      | Title | title     | Vice President |

    @req:ATTR-11
    Examples: User Type
      | field     | attribute    | value    |
      | User Type | employeeType | Licensed |
      | User Type | employeeType | Basic    |
      | User Type | employeeType | On-Prem  |

  @req:ATTR-02
  Scenario: Email reaches Zoom
    Given the directory has the users:
      | user  |
      | alice |
    When a provisioning cycle runs
    Then the Zoom user "alice" has the email of "alice"
    And the creation of "alice" sent Zoom the user's email as the primary work email

  @req:ATTR-01
  Scenario: Username is the directory's email address
    Given the directory has the users:
      | user |
      | dora |
    When a provisioning cycle runs
    Then the Zoom user "dora" has the username of "dora"

  @req:ATTR-01
  Scenario Outline: A user whose Username is missing or not an email address is not provisioned
    Given the directory has a user "erik" whose "mail" is "<mail>"
    When a provisioning cycle runs
    Then no Zoom user was created
    And the provisioner log gives the reason "<reason>"

    Examples:
      | mail       | reason                           |
      |            | Username is required             |
      | erik       | Username must be an email address |
      | erik@local | Username must be an email address |

  @req:ATTR-01
  Scenario: A user refused for their Username holds back no one who joins after them
    Given the directory has a user "erik" whose "mail" is "erik@local"
    And a provisioning cycle has run
    When "fred" joins the directory
    And a provisioning cycle runs
    Then the cycle created 1, updated 0 and disabled 0 users
    And Zoom has the user "fred"

  @req:ATTR-11
  Scenario: A User Type other than Basic, Licensed or On-Prem is refused with a clear reason
    Given the channel maps "User Type" from the directory attribute "employeeType"
    And the directory has a user "fay" whose "employeeType" is "Pro"
    When a provisioning cycle runs
    Then Zoom has no user "fay"
    And the provisioner log gives the reason "User Type must be one of Basic, Licensed, On-Prem, not 'Pro'"

  @req:ATTR-11
  Scenario: A User Type changed to a value Zoom does not take is refused with a clear reason, and a valid one later is sent
    Given the channel maps "User Type" from the directory attribute "employeeType"
    And the directory has a user "gus" whose "employeeType" is "Licensed"
    And a provisioning cycle has run
    When the directory changes the "employeeType" of "gus" to "Pro"
    And a provisioning cycle runs
    Then the audit log records a failed UPDATE for "gus" naming "User Type must be one of Basic, Licensed, On-Prem, not 'Pro'"
    And the Zoom user "gus" has the "User Type" "Licensed"
    When the directory changes the "employeeType" of "gus" to "Basic"
    And a provisioning cycle runs
    Then the Zoom user "gus" has the "User Type" "Basic"

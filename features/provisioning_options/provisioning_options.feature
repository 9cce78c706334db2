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

  Scenario Outline: Every option and Remove User Action against every trigger, two cycles deep
    Given the channel's source location is <source>
    And a provisioning cycle has run
    And the provisioning options are User Create <create>, User Update <update>, User Disable/Delete <remove>
    And the Remove User Action is "<action>"
    When <trigger>
    And a provisioning cycle runs
    Then in Zoom "<user>" is <result>
    When a provisioning cycle runs
    Then nothing was written to Zoom in the last cycle
    And in Zoom "<user>" is <result>

    @req:OPT-02 @req:UM-03
    Examples: a user who joins
      | source                                                    | trigger                   | user | create   | update   | remove   | action  | result |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | selected | selected | Disable | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | selected | selected | Delete  | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | selected | cleared  | Disable | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | selected | cleared  | Delete  | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | cleared  | selected | Disable | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | cleared  | selected | Delete  | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | cleared  | cleared  | Disable | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | selected | cleared  | cleared  | Delete  | active |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | selected | selected | Disable | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | selected | selected | Delete  | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | selected | cleared  | Disable | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | selected | cleared  | Delete  | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | cleared  | selected | Disable | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | cleared  | selected | Delete  | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | cleared  | cleared  | Disable | absent |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "bob" joins the directory | bob  | cleared  | cleared  | cleared  | Delete  | absent |

    @req:OPT-03 @req:UM-04
    Examples: a changed user
      | source                                                    | trigger                                                     | user  | create   | update   | remove   | action  | result             |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | selected | selected | Disable | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | selected | selected | Delete  | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | selected | cleared  | Disable | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | selected | cleared  | Delete  | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | cleared  | selected | Disable | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | cleared  | selected | Delete  | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | cleared  | cleared  | Disable | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | selected | cleared  | cleared  | Delete  | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | selected | selected | Disable | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | selected | selected | Delete  | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | selected | cleared  | Disable | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | selected | cleared  | Delete  | titled "Architect" |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | cleared  | selected | Disable | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | cleared  | selected | Delete  | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | cleared  | cleared  | Disable | titled "Engineer"  |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | the directory changes the "title" of "alice" to "Architect" | alice | cleared  | cleared  | cleared  | Delete  | titled "Engineer"  |

    @req:OPT-05 @req:OPT-06 @req:OPT-07 @req:OPT-08 @req:UM-07
    Examples: a user disabled in the directory
      | source                                                    | trigger                              | user  | create   | update   | remove   | action  | result   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | selected | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | selected | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | selected | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | selected | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | cleared  | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | cleared  | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | cleared  | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | selected | cleared  | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | selected | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | selected | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | selected | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | selected | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | cleared  | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | cleared  | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | cleared  | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is disabled in the directory | alice | cleared  | cleared  | cleared  | Delete  | active   |

    @req:OPT-05 @req:OPT-06 @req:OPT-07 @req:OPT-08 @req:UM-06
    Examples: a user deleted from the directory
      | source                                                    | trigger                               | user  | create   | update   | remove   | action  | result   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | selected | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | selected | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | selected | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | selected | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | cleared  | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | cleared  | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | cleared  | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | selected | cleared  | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | selected | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | selected | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | selected | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | selected | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | cleared  | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | cleared  | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | cleared  | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" is deleted from the directory | alice | cleared  | cleared  | cleared  | Delete  | active   |

    @req:OPT-05 @req:OPT-06 @req:OPT-07 @req:OPT-08 @req:UM-08
    Examples: a user who leaves the filter
      | source                                                    | trigger                                     | user  | create   | update   | remove   | action  | result   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | selected | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | selected | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | selected | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | selected | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | cleared  | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | cleared  | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | cleared  | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | selected | cleared  | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | selected | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | selected | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | selected | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | selected | cleared  | Delete  | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | cleared  | selected | Disable | inactive |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | cleared  | selected | Delete  | absent   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | cleared  | cleared  | Disable | active   |
      | the filter "(&(objectClass=inetOrgPerson)(!(ou=Alumni)))" | "alice" no longer meets the source location | alice | cleared  | cleared  | cleared  | Delete  | active   |

    @req:OPT-05 @req:OPT-06 @req:OPT-07 @req:OPT-08 @req:UM-08
    Examples: a user who leaves the group
      | source                                          | trigger                               | user  | create   | update   | remove   | action  | result   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | selected | selected | Disable | inactive |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | selected | selected | Delete  | absent   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | selected | cleared  | Disable | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | selected | cleared  | Delete  | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | cleared  | selected | Disable | inactive |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | cleared  | selected | Delete  | absent   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | cleared  | cleared  | Disable | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | selected | cleared  | cleared  | Delete  | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | selected | selected | Disable | inactive |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | selected | selected | Delete  | absent   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | selected | cleared  | Disable | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | selected | cleared  | Delete  | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | cleared  | selected | Disable | inactive |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | cleared  | selected | Delete  | absent   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | cleared  | cleared  | Disable | active   |
      | the group "zoom-users" with the members "alice" | "alice" leaves the group "zoom-users" | alice | cleared  | cleared  | cleared  | Delete  | active   |

  # Two triggers of the matrix above whose history is more than one cycle: a user who returns after
  # a cycle disabled them, and a Zoom user who existed before the connector (linked, never
  # duplicated, synchronised only when User Update is selected; an inactive one re-enabled then).
  Scenario Outline: A returning user and a Zoom user who existed before, under every option, two cycles deep
    Given <history>
    And the provisioning options are User Create <create>, User Update <update>, User Disable/Delete <remove>
    When <trigger>
    And a provisioning cycle runs
    Then in Zoom "<user>" is <result>
    When a provisioning cycle runs
    Then nothing was written to Zoom in the last cycle
    And in Zoom "<user>" is <result>

    @req:OPT-03 @req:OPT-04
    Examples: a user who returns
      | history                                          | trigger                                   | user  | create   | update   | remove   | result   |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | selected | selected | selected | active   |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | selected | selected | cleared  | active   |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | selected | cleared  | selected | inactive |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | selected | cleared  | cleared  | inactive |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | cleared  | selected | selected | active   |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | cleared  | selected | cleared  | active   |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | cleared  | cleared  | selected | inactive |
      | "alice" was disabled in Zoom by an earlier cycle | "alice" is enabled in the directory again | alice | cleared  | cleared  | cleared  | inactive |

    @req:UM-01 @req:OPT-03
    Examples: a Zoom user who existed before
      | history                                                     | trigger                                               | user | create   | update   | remove   | result             |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | selected | selected | selected | titled "New title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | selected | selected | cleared  | titled "New title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | selected | cleared  | selected | titled "Old title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | selected | cleared  | cleared  | titled "Old title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | cleared  | selected | selected | titled "New title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | cleared  | selected | cleared  | titled "New title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | cleared  | cleared  | selected | titled "Old title" |
      | Zoom already has the user "carl" with the title "Old title" | "carl" joins the directory with the title "New title" | carl | cleared  | cleared  | cleared  | titled "Old title" |

    @req:UM-01 @req:OPT-03 @req:OPT-04
    Examples: an inactive Zoom user who existed before
      | history                                                              | trigger                                               | user | create   | update   | remove   | result   |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | selected | selected | selected | active   |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | selected | selected | cleared  | active   |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | selected | cleared  | selected | inactive |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | selected | cleared  | cleared  | inactive |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | cleared  | selected | selected | active   |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | cleared  | selected | cleared  | active   |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | cleared  | cleared  | selected | inactive |
      | Zoom already has the inactive user "dora" with the title "Old title" | "dora" joins the directory with the title "New title" | dora | cleared  | cleared  | cleared  | inactive |

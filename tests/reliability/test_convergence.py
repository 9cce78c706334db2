"""The provisioner converges after any fault schedule (a modest number of schedules in CI)."""

from tests.reliability.convergence import check_convergence, run_schedule


def test_the_provisioner_converges_after_random_faults() -> None:
    check_convergence()


def test_a_known_hard_schedule_converges() -> None:
    # Creates that land while their answers are lost, then removal under faults.
    schedule = {
        "initial": 5,
        "action": "delete",
        "threads": 3,
        "steps": [
            ([], [{"route": "scim.users.create", "kind": "drop", "applied": True, "after": 0, "times": 3, "every": 1}]),
            (
                [("leave", 1), ("delete", 2)],
                [{"route": "scim.*", "kind": "503", "applied": True, "after": 1, "times": 4, "every": 2}],
            ),
        ],
    }
    outcome = run_schedule(schedule)
    assert outcome.problems == []
    assert outcome.cycles_to_converge <= 2

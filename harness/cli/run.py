"""``zoom-harness run``, ``report merge`` and ``report diff``: the features, the certification report, its
shards, and what changed since a baseline."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from harness.errors import HarnessError


def _run(args: argparse.Namespace) -> int:
    from harness.certify.run import run_features

    extra = [a for a in args.pytest_args if a != "--"]
    directory, target = args.directory, args.target
    if args.pf_standin and args.sut != "pingfederate":
        raise HarnessError("--pf-standin is a PingFederate: use it with --sut pingfederate")
    if args.sut == "pingfederate":
        if args.pf_standin:
            if target == "zoom":
                raise HarnessError("--pf-standin provisions to the served emulator: use --target emulator-http")
            target = "emulator-http"  # the stand-in reaches Zoom over HTTP, as PingFederate does
            extra.append(f"--zoom-pf-standin={args.pf_standin}")
        else:
            _pingfederate(args)
        extra.append("--zoom-sut=pingfederate")
        directory = "ldap"  # PingFederate reads an LDAP data store: the harness's slapd
    if args.channel:
        from harness.provisioner.channel_file import ChannelFile

        ChannelFile.load(args.channel)  # a file PingFederate would refuse stops here, in one line
        extra.append(f"--zoom-channel={Path(args.channel).resolve()}")
    if args.record:
        if args.target != "zoom":
            raise HarnessError("--record records a run against a real Zoom account: use it with --target zoom")
        extra.append(f"--zoom-record={args.record}")
    from harness.certify.shard import Shard

    shard = Shard.parse(args.shard) if args.shard else None
    if args.max_calls is not None and args.max_calls < 1:
        raise HarnessError("--max-calls must be a number of calls >= 1")
    if args.emulator_url:
        if target != "emulator-http":
            raise HarnessError("--emulator-url names a served emulator: use it with --target emulator-http")
        if args.pf_standin:
            raise HarnessError("--emulator-url is for a PingFederate you serve yourself; --pf-standin serves its own")
        extra.append(f"--zoom-emulator-url={args.emulator_url}")
    if args.proxy:
        if args.target != "zoom":
            raise HarnessError("--proxy names the harness's proxy in front of a real Zoom: use it with --target zoom")
        extra.append(f"--zoom-proxy={args.proxy}")
    baseline = _baseline(args)
    return run_features(target, Path(args.report_dir), extra, seed=args.seed, directory=directory, shard=shard,
                        max_calls=args.max_calls, baseline=baseline)  # fmt: skip


def _baseline(args: argparse.Namespace) -> dict[str, Any] | None:
    """The report given with --baseline; one that cannot be read stops the command before it starts."""
    if not args.baseline:
        return None
    from harness.certify.diff import load_report

    return load_report(Path(args.baseline))


def _report_merge(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.certify.merge import merge_reports
    from harness.certify.run import compare_with_baseline, print_summary

    baseline = _baseline(args)
    merged = merge_reports([Path(folder) for folder in args.folders], Path(args.report_dir))
    console = Console(stderr=True)
    print_summary(console, merged, Path(args.report_dir))
    if baseline is not None:
        compare_with_baseline(console, merged, baseline, Path(args.report_dir))
    totals = merged["summary"]
    return 1 if totals["scenarios"]["failed"] or totals["requirements"]["uncovered"] else 0


def _report_diff(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console

    from harness.certify.diff import compare, load_report
    from harness.certify.run import print_diff

    diff = compare(load_report(Path(args.old)), load_report(Path(args.new)))
    if args.json:
        print(json.dumps(diff.to_dict(), indent=1, ensure_ascii=False))
    else:
        print_diff(Console(), diff)
    return 1 if diff.regressions else 0


def _pingfederate(args: argparse.Namespace) -> None:
    """Check PingFederate's admin API now (one line when it cannot be used) and hand it to the run."""
    from harness.sut.pingfederate import AdminAddress

    if not (args.pf_admin_url and args.pf_admin_user and args.pf_admin_password_env):
        raise HarnessError("--sut pingfederate needs --pf-admin-url, --pf-admin-user and --pf-admin-password-env")
    password = os.environ.get(args.pf_admin_password_env)
    if password is None:
        raise HarnessError(f"--pf-admin-password-env: the variable {args.pf_admin_password_env} is not set")
    verify: bool | str = args.pf_ca_file or not args.pf_insecure
    address = AdminAddress(args.pf_admin_url.rstrip("/"), args.pf_admin_user, password, verify)
    version = address.check()
    print(f"PingFederate {version} at {address.url}", file=sys.stderr)
    os.environ.update(address.environment())
    if args.pf_log_dir:
        os.environ["PF_LOG_DIR"] = str(Path(args.pf_log_dir).resolve())


def register(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="run the features and write the certification report",
        description="Run every feature against a target and write JUnit XML, Cucumber JSON, report.json and "
        "report.html. Arguments after -- go to pytest.",
    )
    run.add_argument("--target", choices=("emulator", "emulator-http", "zoom"), default="emulator",
                     help="where Zoom is (default: the in-process emulator)")  # fmt: skip
    run.add_argument("--report-dir", default="reports", help="folder for the reports (default: reports)")
    run.add_argument("--directory", choices=("memory", "ldap"), default="memory",
                     help="the source directory: in-memory (default) or a private OpenLDAP slapd")  # fmt: skip
    run.add_argument("--emulator-url", metavar="URL", help="with --target emulator-http: an emulator served "
                     "already (`zoom-harness serve`), e.g. the one a PingFederate or its stand-in reaches")  # fmt: skip
    run.add_argument("--seed", type=int, help="Faker seed of the test data (default: random, printed)")
    run.add_argument("--sut", choices=("reference", "pingfederate"), default="reference",
                     help="the system under test: the reference provisioner (default) or a PingFederate")  # fmt: skip
    pf = run.add_argument_group("PingFederate (--sut pingfederate)")
    pf.add_argument("--pf-admin-url", metavar="URL", help="the Administrative API, https://HOST:9999")
    pf.add_argument("--pf-admin-user", metavar="USER", help="an administrator (HTTP Basic)")
    pf.add_argument("--pf-admin-password-env", metavar="VAR", help="the variable holding its password")
    pf.add_argument("--pf-ca-file", metavar="PEM", help="the CA of PingFederate's admin certificate")
    pf.add_argument("--pf-insecure", action="store_true", help="do not verify PingFederate's certificate")
    pf.add_argument("--pf-log-dir", metavar="DIR", help="PingFederate's log folder, to read its cycles from")
    pf.add_argument("--pf-standin", choices=("12.1", "12.2"), help="no PingFederate at hand: the harness's stand-in "
                    "playing this version (it enforces PingFederate's published API document), one per pytest worker, "
                    "in front of the served emulator")  # fmt: skip
    run.add_argument("--channel", metavar="FILE", help="a channel file every scenario starts from "
                     "(PingFederate's outboundProvision shape; default: the documented defaults)")  # fmt: skip
    run.add_argument("--record", metavar="DIR", help="with --target zoom: record every exchange (redacted) for `drift`")
    run.add_argument("--shard", metavar="K/N", help="run the K-th of N balanced slices of the scenarios (for CI "
                     "jobs in parallel; `report merge` joins their report folders)")  # fmt: skip
    run.add_argument("--max-calls", type=int, metavar="N", help="with --target zoom: refuse a run that would make "
                     "more than N calls to Zoom (counted on the emulator before it starts)")  # fmt: skip
    run.add_argument("--proxy", metavar="URL", help="with --target zoom: the harness's proxy (`serve --upstream zoom`) "
                     "the system under test reaches Zoom through; its faults serve the resilience scenarios and its "
                     "journal the evidence (needed for those with --sut pingfederate)")  # fmt: skip
    run.add_argument("--baseline", metavar="DIR", help="a previous run's report (folder or report.json): the "
                     "report says what changed since, at the top of report.html and in report.json")  # fmt: skip
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="-- then extra pytest arguments")
    run.set_defaults(func=_run)

    report = commands.add_parser("report", help="certification reports")
    report_commands = report.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    merge = report_commands.add_parser(
        "merge",
        help="merge the report folders of `run --shard K/N` into one certification report",
        description="Merge the report folders of every shard of one run into one report (report.json, "
        "report.html, junit.xml, cucumber.json). Refuses folders of different targets, systems under test, "
        "directories, harness versions or seeds, and an incomplete set of shards. Exit status 1 when a "
        "scenario failed or a requirement is uncovered.",
    )
    merge.add_argument("folders", nargs="+", metavar="DIR", help="the shards' report folders")
    merge.add_argument("--report-dir", default="reports", help="where the merged report goes (default: reports)")
    merge.add_argument("--baseline", metavar="DIR", help="a previous report (folder or report.json): the merged "
                       "report says what changed since")  # fmt: skip
    merge.set_defaults(func=_report_merge)
    diff = report_commands.add_parser(
        "diff",
        help="what changed between two certification reports",
        description="Compare two reports (folders or report.json files), per requirement and scenario: what "
        "regressed, what was fixed or improved, what is new or gone, and which failures are the same as before "
        "(same failing step, same message) or different. Exit status 1 on a regression only.",
    )
    diff.add_argument("old", metavar="OLD", help="the baseline: a report folder or its report.json")
    diff.add_argument("new", metavar="NEW", help="the report to compare with it")
    diff.add_argument("--json", action="store_true", help="print the comparison as JSON instead of a table")
    diff.set_defaults(func=_report_diff)

"""The end of the run: the boot times the browser tests measured (tests/browser/conftest.py sends
each with the report of the test that measured it, so they arrive here also when the test files
run in several processes, as scripts/test.py runs them)."""

BOOT_TIMES: dict[str, float] = {}  # label -> seconds


def pytest_runtest_logreport(report):
    for name, value in report.user_properties:
        if name == "boot time":
            label, seconds = value
            BOOT_TIMES[label] = seconds


def pytest_terminal_summary(terminalreporter):
    if BOOT_TIMES:
        terminalreporter.write_sep("-", "boot times (navigation start to playground ready)")
        for label, seconds in BOOT_TIMES.items():
            terminalreporter.write_line(f"{label}: {seconds:.2f} s")

"""Run the test suite with the standard library alone and write JUnit XML.

For Python versions that have no pytest on the package index here. Usage:
``PYTHONPATH=src python tests/run_unittest.py --junitxml=FILE``. Exits 1 when a
test fails or errors, 0 otherwise.
"""

import argparse
import os
import sys
import time
import traceback
import unittest
import xml.etree.ElementTree as ElementTree


class _RecordingResult(unittest.TextTestResult):
    """A text result that also keeps each test's outcome and duration."""

    def __init__(self, *args, **kwargs):
        super(_RecordingResult, self).__init__(*args, **kwargs)
        self.records = []
        self._started = {}

    def startTest(self, test):
        self._started[test.id()] = time.time()
        super(_RecordingResult, self).startTest(test)

    def _record(self, test, outcome, detail="", message=""):
        elapsed = time.time() - self._started.get(test.id(), time.time())
        self.records.append((test.id(), outcome, message, detail, elapsed))

    def _record_error(self, test, outcome, err, owner):
        # The message attribute gets the exception's own line ("AssertionError: ..."),
        # the element text the whole traceback.
        message = "".join(traceback.format_exception_only(err[0], err[1])).strip()
        self._record(test, outcome, self._exc_info_to_string(err, owner), message)

    def addSuccess(self, test):
        super(_RecordingResult, self).addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super(_RecordingResult, self).addFailure(test, err)
        self._record_error(test, "failure", err, test)

    def addError(self, test, err):
        super(_RecordingResult, self).addError(test, err)
        self._record_error(test, "error", err, test)

    def addSkip(self, test, reason):
        super(_RecordingResult, self).addSkip(test, reason)
        self._record(test, "skipped", message=reason)

    def addSubTest(self, test, subtest, err):
        super(_RecordingResult, self).addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._record_error(subtest, "failure" if failed else "error", err, test)


def _write_junit(records, path, elapsed):
    failures = sum(1 for record in records if record[1] == "failure")
    errors = sum(1 for record in records if record[1] == "error")
    skipped = sum(1 for record in records if record[1] == "skipped")
    suite = ElementTree.Element(
        "testsuite",
        name="unittest",
        tests=str(len(records)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time="{:.3f}".format(elapsed),
    )
    for test_id, outcome, message, detail, duration in records:
        class_name, _, name = test_id.rpartition(".")
        case = ElementTree.SubElement(
            suite, "testcase", classname=class_name, name=name, time="{:.3f}".format(duration)
        )
        if outcome in ("failure", "error", "skipped"):
            child = ElementTree.SubElement(case, outcome, message=message)
            if detail:
                child.text = detail

    parent = os.path.dirname(path)
    if parent and not os.path.isdir(parent):
        os.makedirs(parent)
    root = ElementTree.Element("testsuites")
    root.append(suite)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junitxml", required=True, help="path of the JUnit XML file to write")
    options = parser.parse_args()

    tests_dir = os.path.dirname(os.path.abspath(__file__))
    suite = unittest.defaultTestLoader.discover(tests_dir, top_level_dir=os.path.dirname(tests_dir))
    runner = unittest.TextTestRunner(resultclass=_RecordingResult, verbosity=2)
    started = time.time()
    result = runner.run(suite)
    _write_junit(result.records, options.junitxml, time.time() - started)

    passed = sum(1 for record in result.records if record[1] == "passed")
    failed = len(result.failures) + len(result.errors)
    print("{} passed, {} failed".format(passed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())

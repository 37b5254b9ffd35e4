"""faults.in_a_list and faults.ErrorShapeChecks, with a made-up API's error body."""

from __future__ import annotations

from partnerkit.testing import faults


def test_in_a_list_wraps_the_body_and_keeps_status_and_headers() -> None:
    fault = faults.json_fault(409, {"error": {"code": "TAKEN"}}, {"X-Request-Id": "r-7"})

    listed = faults.in_a_list(fault)

    assert listed.status == 409
    assert dict(listed.headers) == {
        "Content-Type": "application/json; charset=UTF-8",
        "X-Request-Id": "r-7",
    }
    assert listed.body == '[{"error":{"code":"TAKEN"}}]'


def test_error_shape_checks_run_a_case_per_row_and_fail_on_a_wrong_code(pytester) -> None:
    pytester.makepyfile(
        """
        from partnerkit import http
        from partnerkit.testing import faults

        http.register_error_shape("acme-9d2", http.ErrorShape(code_keys=("status",)))
        BUSY = faults.json_fault(429, {"error": {"status": "BUSY", "message": "Later, please."}})

        class TestAcme(faults.ErrorShapeChecks):
            api = "acme-9d2"
            cases = {
                "busy": (BUSY, 429, "BUSY", "Later"),
                "busy in a list": (faults.in_a_list(BUSY), 429, "BUSY", "Later"),
                "wrong code": (BUSY, 429, "IDLE", "Later"),
            }
        """
    )
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_the_registered_shape_reads*wrong code*"])

"""Reports on appeals (issue 3, items 10 and 12; R-B10, R-B13, law Art 35): the daily report by sector,
territory and body, the published quarterly statistics, and the monthly incentives and sanctions with the
detection of template letters. Definitions and formulas: docs/appeals-reports.md. Read-only: nothing here
writes."""

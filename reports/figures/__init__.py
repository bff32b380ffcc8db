"""The figures of the reports: one function per chart, `(*, user, filters) -> rows`, one query each.

Every figure starts from `crm.visibility.visible_records`, narrows it with `ReportFilters.apply` and
lets the database group and aggregate; Python only reshapes the few result rows (labels, units).
"""

"""Pages for Hub staff, one module a subject: question sets (``questions``),
rounds and returns (``rounds``), figures read from the returns (``figures``),
evaluations and case studies (``evaluations``). What they share is here."""


def chart_data(labels, *datasets) -> dict:
    """Chart.js data: labels and (label, values) datasets, for json_script."""
    return {"labels": list(labels), "datasets": [{"label": label, "data": list(data)} for label, data in datasets]}


def long_date(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""

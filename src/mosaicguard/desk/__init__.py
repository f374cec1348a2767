"""The review desk (issue 11): a web app and API where drafts are scanned, reviewed, sanitised
and approved, with a hash-chained audit log. `create_app` is in `app.py`; every operation is a
`DeskService` method (`service.py`)."""

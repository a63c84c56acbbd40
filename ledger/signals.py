"""What happened in the ledger, for the layers above to act on (notices tell people).

Each is sent inside the service's transaction, after the row that records the event is
written: a receiver that writes too commits or rolls back with the event itself.
`actor` is the user who did it.
"""

from django.dispatch import Signal

report_submitted = Signal()  # report, actor: a version reached the office
signoff_requested = Signal()  # report, actor: a version waits for the unit leader
report_reviewed = Signal()  # review, actor: approved or returned
contributions_requested = Signal()  # requests (list of ContributionRequest), actor
contribution_submitted = Signal()  # contribution, actor

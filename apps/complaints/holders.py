"""Who holds an authority in a department today — for notifications (handlers of a new
complaint, partner staff of a task, managers on escalation). The answer is the org's
(apps.org.holders: posts and delegations); this module keeps the complaint app's
import path. Constant query count."""

from apps.org.holders import holders, holders_by_department

__all__ = ["holders", "holders_by_department"]

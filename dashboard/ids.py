"""All component IDs, in one place: kebab-case, prefixed by page."""

# shell
URL = "shell-url"
NAV_SEARCH = "shell-nav-search"
NAV_USER = "shell-nav-user"

# home (/)
HOME_BUURTEN = "home-buurten"
HOME_STATUS = "home-status"

# buurt pages (/buurt/<slug>, /buurt/<slug>/beeld, /buurt/<slug>/uitkomsten) and gebied (/gebied/<code>)
BUURT_AREA = "buurt-area"  # dcc.Store with the slug or CBS code from the URL
BUURT_OVERVIEW = "buurt-overview"
BUURT_BEELD_HEADLINES = "buurt-beeld-headlines"
BUURT_BEELD_TABLE = "buurt-beeld-table"
BUURT_BEELD_TRENDS = "buurt-beeld-trends"
BUURT_BEELD_TITLE = "buurt-beeld-title"
UIT_REVIEW = "buurt-uit-review"
UIT_INDICATOR = "buurt-uit-indicator"
UIT_INDICATOR_QUERY = "buurt-uit-indicator-query"  # dcc.Store: ?indicator= from the URL
UIT_CONTENT = "buurt-uit-content"
UIT_DETAIL = "buurt-uit-detail"
UIT_TITLE = "buurt-uit-title"
UIT_URL_SYNC = "buurt-uit-url-sync"
GEBIED_TITLE = "gebied-title"

# vergelijken (/vergelijken)
VERGELIJK_PREFIX = "vergelijk"

# lerende buurt (/lerende-buurt)
LEREND_PREFIX = "lerend"

# transitie (/transitie)
TRANSITIE_PREFIX = "transitie"

# best practices (/best-practices) and menukaart (/menukaart)
BEST_PREFIX = "best"

# buurtnetwerk inputs (/buurt/<slug>/netwerk): narrative, agenda, reviews, adoption counts
NETWERK_PREFIX = "netwerk"

# beheer (/beheer/...): users, audit log, uploads
BEHEER_PREFIX = "beheer"
BEHEER_NAV = "beheer-nav"  # the "Beheer" menu in the navbar (only for roles that may use it)
# /beheer/gebruikers
USERS_VERSION = "beheer-users-version"  # dcc.Store: bumped after every change, refreshes list and form
USERS_TABLE = "beheer-users-table"
USERS_NEW_EMAIL = "beheer-users-new-email"
USERS_NEW_NAME = "beheer-users-new-name"
USERS_NEW_ROLE = "beheer-users-new-role"
USERS_NEW_BUURTEN = "beheer-users-new-buurten"
USERS_NEW_SOURCE = "beheer-users-new-source"
USERS_NEW_SUBMIT = "beheer-users-new-submit"
USERS_NEW_FEEDBACK = "beheer-users-new-feedback"
USERS_EDIT_USER = "beheer-users-edit-user"
USERS_EDIT_ROLE = "beheer-users-edit-role"
USERS_EDIT_BUURTEN = "beheer-users-edit-buurten"
USERS_EDIT_SOURCE = "beheer-users-edit-source"
USERS_EDIT_STATUS = "beheer-users-edit-status"
USERS_EDIT_SAVE = "beheer-users-edit-save"
USERS_EDIT_DEACTIVATE = "beheer-users-edit-deactivate"
USERS_EDIT_REACTIVATE = "beheer-users-edit-reactivate"
USERS_EDIT_UNLOCK = "beheer-users-edit-unlock"
USERS_EDIT_RESET = "beheer-users-edit-reset"
USERS_EDIT_FEEDBACK = "beheer-users-edit-feedback"


def users_row(user_id: int) -> str:
    """Row of one user in the list on /beheer/gebruikers."""
    return f"beheer-users-row-{int(user_id)}"


# /beheer/audit
AUDIT_ACTOR = "beheer-audit-actor"
AUDIT_ACTION = "beheer-audit-action"
AUDIT_SINCE = "beheer-audit-since"
AUDIT_TABLE = "beheer-audit-table"
AUDIT_URL_SYNC = "beheer-audit-url-sync"
AUDIT_COUNT = "beheer-audit-count"
# /beheer/upload
UPLOAD_KIND = "beheer-upload-kind"
UPLOAD_FILE = "beheer-upload-file"
UPLOAD_JOB = "beheer-upload-job"  # dcc.Store: the import_batch id being polled
UPLOAD_POLL = "beheer-upload-poll"  # dcc.Interval while an import runs
UPLOAD_STATUS = "beheer-upload-status"
UPLOAD_REPORT = "beheer-upload-report"
UPLOAD_BATCHES = "beheer-upload-batches"
UPLOAD_BATCH = "beheer-upload-batch"  # dropdown: an earlier import report to show
UPLOAD_REJECTED_CSV = "beheer-upload-rejected-csv"

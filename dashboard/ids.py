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
BUURT_BEELD_SPINE = "buurt-beeld-spine"  # spine chart section with its table and CSV link
BUURT_BEELD_SPINE_GRAPH = "buurt-beeld-spine-graph"
BUURT_BEELD_TABLE_DETAILS = "buurt-beeld-table-details"  # <details> under the spine chart: opening it loads the table
BUURT_BEELD_TABLE_SUMMARY = "buurt-beeld-table-summary"  # its <summary> (html.Details does not report `open`)
BUURT_BEELD_TABLE = "buurt-beeld-table"
BUURT_BEELD_WORDS = "buurt-beeld-words"  # challenges and strengths in words
BUURT_BEELD_MAP = "buurt-beeld-map"
BUURT_BEELD_MAP_GRAPH = "buurt-beeld-map-graph"
BUURT_BEELD_TRENDS = "buurt-beeld-trends"
BUURT_BEELD_TITLE = "buurt-beeld-title"
UIT_REVIEW = "buurt-uit-review"
UIT_INDICATOR = "buurt-uit-indicator"
UIT_INDICATOR_QUERY = "buurt-uit-indicator-query"  # dcc.Store: ?indicator= from the URL
UIT_CONTENT = "buurt-uit-content"
UIT_DETAIL = "buurt-uit-detail"
UIT_TITLE = "buurt-uit-title"
UIT_URL_SYNC = "buurt-uit-url-sync"
UIT_KPI = "buurt-uit-kpi"  # headline KPI chart and the cards of the other hypotheses
UIT_KPI_GRAPH = "buurt-uit-kpi-graph"
GEBIED_TITLE = "gebied-title"

# vergelijken (/vergelijken)
VERGELIJK_PREFIX = "vergelijk"
VERGELIJK_QUERY = "vergelijk-query"  # dcc.Store: the query string the page was opened with
VERGELIJK_AREAS = "vergelijk-areas"
VERGELIJK_INDICATORS = "vergelijk-indicators"
VERGELIJK_MESSAGE = "vergelijk-message"
VERGELIJK_DOTS = "vergelijk-dots"
VERGELIJK_FUNNEL_INDICATOR = "vergelijk-funnel-indicator"
VERGELIJK_FUNNEL = "vergelijk-funnel"
VERGELIJK_X = "vergelijk-x"
VERGELIJK_Y = "vergelijk-y"
VERGELIJK_SCATTER = "vergelijk-scatter"
VERGELIJK_TABLE = "vergelijk-table"
VERGELIJK_DOWNLOADS = "vergelijk-downloads"
VERGELIJK_URL_SYNC = "vergelijk-url-sync"

# lerende buurt (/lerende-buurt)
LEREND_PREFIX = "lerend"
LEREND_INDICATOR = "lerend-indicator"
LEREND_BUURT = "lerend-buurt"  # filter: one buurt's links
LEREND_QUERY = "lerend-query"  # dcc.Store: the query string the page was opened with
LEREND_GRAPH = "lerend-graph"
LEREND_SUMMARY = "lerend-summary"
LEREND_LINK = "lerend-link"  # dropdown of links (the keyboard alternative to clicking the graph)
LEREND_CARD = "lerend-card"
LEREND_TABLE = "lerend-table"
LEREND_TABLE_PAGE = "lerend-table-page"  # paging of the list of links
LEREND_URL_SYNC = "lerend-url-sync"
LEREND_BUURT_SECTION = "lerend-buurt-section"  # the learning partners on /buurt/<slug>

# transitie (/transitie)
TRANSITIE_PREFIX = "transitie"
TRANSITIE_CONTENT = "transitie-content"  # access message or the page body
TRANSITIE_STATUS = "transitie-status"
TRANSITIE_GRID = "transitie-grid"
TRANSITIE_FILTER_COHORT = "transitie-filter-cohort"
TRANSITIE_FILTER_PARTNER = "transitie-filter-partner"
TRANSITIE_KPI = "transitie-kpi"
TRANSITIE_EVENT_STUDY = "transitie-event-study"
TRANSITIE_MAP = "transitie-map"
TRANSITIE_PARTNERS = "transitie-partners"  # summary per alliance partner and cohort, next to the map
TRANSITIE_CAND_LEVEL = "transitie-cand-level"
TRANSITIE_CAND_DETAILS = "transitie-cand-details"  # <details> around the candidate section (drawn when opened)
TRANSITIE_CAND_SUMMARY = "transitie-cand-summary"
TRANSITIE_CAND_BODY = "transitie-cand-body"
TRANSITIE_CAND_WEIGHTS = "transitie-cand-weights"  # container of the weight sliders
TRANSITIE_CAND_GRID = "transitie-cand-grid"
TRANSITIE_CAND_INFO = "transitie-cand-info"
TRANSITIE_CAND_CSV = "transitie-cand-csv"
TRANSITIE_CAND_DOWNLOAD = "transitie-cand-download"
TRANSITIE_CAND_SAVED = "transitie-cand-saved"  # dcc.Store: the checklist just saved (the grid reloads its rows)
TRANSITIE_CHECK_TITLE = "transitie-check-title"
TRANSITIE_CHECK_LIST = "transitie-check-list"
TRANSITIE_CHECK_NOTE = "transitie-check-note"
TRANSITIE_CHECK_VERSION = "transitie-check-version"  # dcc.Store: {"code", "version"} the edit started from
TRANSITIE_CHECK_SAVE = "transitie-check-save"
TRANSITIE_CHECK_RESULT = "transitie-check-result"


def transitie_weight(component: str) -> dict:
    """Pattern-matching ID of one weight slider of the candidate score."""
    return {"type": "transitie-weight", "component": component}


# best practices (/best-practices) and menukaart (/menukaart)
BEST_PREFIX = "best"
BEST_CONTENT = "best-content"
BEST_TEAM = "best-team"  # the part only the transitieteam sees: proposals and the editor
BEST_PRESENTATION = "best-presentation"
BEST_FULLSCREEN = "best-fullscreen"
BEST_INDICATOR = "best-indicator"
BEST_PROPOSALS = "best-proposals"
BEST_LIST = "best-list"
BEST_EDIT_ID = "best-edit-id"  # dcc.Store: {"id", "version"} of the story being edited (None = new)
BEST_EDIT_PROGRAMME = "best-edit-programme"
BEST_EDIT_TITLE = "best-edit-title"
BEST_EDIT_STORY = "best-edit-story"
BEST_EDIT_INTERVENTIONS = "best-edit-interventions"
BEST_EDIT_INDICATOR = "best-edit-indicator"
BEST_EDIT_CONTACT = "best-edit-contact"
BEST_EDIT_STATUS = "best-edit-status"
BEST_EDIT_SAVE = "best-edit-save"
BEST_EDIT_NEW = "best-edit-new"
BEST_EDIT_RESULT = "best-edit-result"
BEST_EDIT_HISTORY = "best-edit-history"
BEST_SLIDES = "best-slides"
BEST_SLIDE_INDEX = "best-slide-index"  # dcc.Store: the slide shown
BEST_SLIDE_PREV = "best-slide-prev"
BEST_SLIDE_NEXT = "best-slide-next"
BEST_SLIDE_KEYS = "best-slide-keys"  # dcc.Store written by the keyboard listener in assets/presentatie.js
BEST_SLIDE_COUNTER = "best-slide-counter"
MENU_CONTENT = "best-menu-content"
MENU_INDICATOR = "best-menu-indicator"
MENU_COMPARISON = "best-menu-comparison"
MENU_CAUSAL = "best-menu-causal"


def best_edit_button(practice_id: int) -> dict:
    """Pattern-matching ID of the edit button of one best-practice story."""
    return {"type": "best-edit", "id": practice_id}


def best_slide(index: int) -> dict:
    """Pattern-matching ID of one presentation slide."""
    return {"type": "best-slide", "index": index}


def best_use_proposal(slug: str) -> dict:
    """Pattern-matching ID of the "write the story" button of one proposal."""
    return {"type": "best-use", "slug": slug}


# buurtnetwerk inputs (/buurt/<slug>/netwerk): narrative, agenda, reviews, adoption counts
NETWERK_PREFIX = "netwerk"
NETWERK_AREA = "netwerk-area"  # dcc.Store with the slug from the URL
NETWERK_TITLE = "netwerk-title"
NETWERK_TABS = "netwerk-tabs"
NETWERK_VERHAAL_FIELD = {f: f"netwerk-verhaal-{f.replace('_', '-')}"
                         for f in ("challenges", "strengths", "why_it_matters", "if_tackled")}
NETWERK_VERHAAL_STATE = "netwerk-verhaal-state"
NETWERK_VERHAAL_SAVE = "netwerk-verhaal-save"
NETWERK_VERHAAL_OVERWRITE = "netwerk-verhaal-overwrite"
NETWERK_VERHAAL_MESSAGE = "netwerk-verhaal-message"
NETWERK_VERHAAL_HISTORY = "netwerk-verhaal-history"
NETWERK_VERHAAL_OLD = "netwerk-verhaal-old"
NETWERK_AGENDA_COVERAGE = "netwerk-agenda-coverage"
NETWERK_AGENDA_LIST = "netwerk-agenda-list"
NETWERK_AGENDA_ITEMS = "netwerk-agenda-items"  # dcc.Store: {item id: version} of the listed items
NETWERK_AGENDA_FORM = "netwerk-agenda-form"
NETWERK_AGENDA_THEME = "netwerk-agenda-theme"
NETWERK_AGENDA_INTERVENTION = "netwerk-agenda-intervention"
NETWERK_AGENDA_TITLE = "netwerk-agenda-title"
NETWERK_AGENDA_START = "netwerk-agenda-start"
NETWERK_AGENDA_STATUS = "netwerk-agenda-status"
NETWERK_AGENDA_NOTE = "netwerk-agenda-note"
NETWERK_AGENDA_STATE = "netwerk-agenda-state"
NETWERK_AGENDA_SAVE = "netwerk-agenda-save"
NETWERK_AGENDA_NEW = "netwerk-agenda-new"
NETWERK_AGENDA_MESSAGE = "netwerk-agenda-message"
NETWERK_REVIEW_PERIOD = "netwerk-review-period"
NETWERK_REVIEW_FIELD = {f: f"netwerk-review-{f.replace('_', '-')}"
                        for f in ("held_on", "attendees", "notes", "actions")}
NETWERK_REVIEW_STATE = "netwerk-review-state"
NETWERK_REVIEW_SAVE = "netwerk-review-save"
NETWERK_REVIEW_OVERWRITE = "netwerk-review-overwrite"
NETWERK_REVIEW_MESSAGE = "netwerk-review-message"
NETWERK_REVIEW_HISTORY = "netwerk-review-history"
NETWERK_REVIEW_OLD = "netwerk-review-old"
NETWERK_REVIEW_LIST = "netwerk-review-list"
NETWERK_ADOPTIE_PERIOD = "netwerk-adoptie-period"
NETWERK_ADOPTIE_FORM = "netwerk-adoptie-form"
NETWERK_ADOPTIE_SAVE = "netwerk-adoptie-save"
NETWERK_ADOPTIE_MESSAGE = "netwerk-adoptie-message"
NETWERK_VERSLAG_YEAR = "netwerk-verslag-year"
NETWERK_VERSLAG_INTRO = "netwerk-verslag-intro"
NETWERK_VERSLAG_PUBLISHED = "netwerk-verslag-published"
NETWERK_VERSLAG_STATE = "netwerk-verslag-state"
NETWERK_VERSLAG_SAVE = "netwerk-verslag-save"
NETWERK_VERSLAG_OVERWRITE = "netwerk-verslag-overwrite"
NETWERK_VERSLAG_MESSAGE = "netwerk-verslag-message"
# containers on the other buurt pages, filled by callbacks/netwerk.py
NETWERK_BEELD = "netwerk-beeld"  # /buurt/<slug>/beeld: narrative and buurtagenda
NETWERK_UIT_REVIEWS = "netwerk-uit-reviews"  # /buurt/<slug>/uitkomsten: notes of the chosen and previous review
NETWERK_OVERVIEW = "netwerk-overview"  # /buurt/<slug>: links to the netwerk page and published verslagen


def netwerk_agenda_edit(item_id: int | str) -> dict:
    return {"type": "netwerk-agenda-edit", "index": item_id}


def netwerk_agenda_delete(item_id: int | str) -> dict:
    return {"type": "netwerk-agenda-delete", "index": item_id}


def netwerk_adoptie_input(indicator: str, field: str) -> dict:
    return {"type": "netwerk-adoptie-input", "index": indicator, "field": field}


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
# /buurt/<slug>/begroting (layouts/begroting.py, callbacks/begroting.py)
BEGROTING_AREA = "begroting-area"  # dcc.Store: {"kind": "buurt", "code": slug}
BEGROTING_TITLE = "begroting-title"
BEGROTING_YEAR = "begroting-year"
BEGROTING_STATE = "begroting-state"  # dcc.Store: {"budget_id", "version", "status"} of the budget shown
BEGROTING_STATUS = "begroting-status"
BEGROTING_TABLE = "begroting-table"
BEGROTING_IMPACT = "begroting-impact"
BEGROTING_FORM = "begroting-form"
BEGROTING_EDIT_PICK = "begroting-edit-pick"  # dropdown: the activity being edited (empty = new)
BEGROTING_EDIT_STATE = "begroting-edit-state"  # dcc.Store: {"id", "version"} of the activity being edited
BEGROTING_THEME = "begroting-theme"
BEGROTING_LINK = "begroting-link"  # agenda line or menukaart intervention ("agenda-12" / "menukaart-3")
BEGROTING_ACT_TITLE = "begroting-act-title"
BEGROTING_COSTS = "begroting-costs"
BEGROTING_HOURS = "begroting-hours"
BEGROTING_NOTE = "begroting-note"
BEGROTING_SAVE = "begroting-save"
BEGROTING_DELETE = "begroting-delete"
BEGROTING_MESSAGE = "begroting-message"
BEGROTING_WORKFLOW = "begroting-workflow"
BEGROTING_COMMENT = "begroting-comment"
BEGROTING_SUBMIT = "begroting-submit"
BEGROTING_APPROVE = "begroting-approve"
BEGROTING_RETURN = "begroting-return"
BEGROTING_WORKFLOW_MESSAGE = "begroting-workflow-message"
BEGROTING_HISTORY = "begroting-history"
BEGROTING_REAL_FORM = "begroting-real-form"
BEGROTING_REAL_ACTIVITY = "begroting-real-activity"
BEGROTING_REAL_PERIOD = "begroting-real-period"
BEGROTING_REAL_COSTS = "begroting-real-costs"
BEGROTING_REAL_HOURS = "begroting-real-hours"
BEGROTING_REAL_SAVE = "begroting-real-save"
BEGROTING_REAL_UPLOAD = "begroting-real-upload"
BEGROTING_REAL_MESSAGE = "begroting-real-message"
BEGROTING_REAL_TABLE = "begroting-real-table"
BEGROTING_BUURT_SUMMARY = "begroting-buurt-summary"  # € per hour freed on /buurt/<slug>
# Impact section on /transitie (layouts/begroting.py impact_section, callbacks/begroting.py)
IMPACT_SECTION = "impact-section"
IMPACT_CONTENT = "impact-content"
IMPACT_BUURTEN = "impact-buurten-block"  # the per-buurt table of the impact section, a page at a time
IMPACT_SEARCH = "impact-search"
IMPACT_STATUS = "impact-status"
IMPACT_PAGE = "impact-page"

# review summary, exports and contacts (callbacks/review.py, callbacks/contacts.py)
UIT_REVIEW_SUMMARY = "buurt-uit-review-summary"  # /buurt/<slug>/uitkomsten: summary for the bimonthly review
NETWERK_CONTACTS = "netwerk-contacts"  # /buurt/<slug>/netwerk: the kartrekkers' contact details (tab body)
NETWERK_CONTACTS_TEXT = "netwerk-contacts-text"
NETWERK_CONTACTS_SAVE = "netwerk-contacts-save"
NETWERK_CONTACTS_STATE = "netwerk-contacts-state"
NETWERK_CONTACTS_MESSAGE = "netwerk-contacts-message"
NETWERK_CONTACTS_HISTORY = "netwerk-contacts-history"
LEREND_RANKED = "lerend-ranked"  # /lerende-buurt: ranked partners per buurt with small multiples
LEREND_RANKED_PAGE = "lerend-ranked-page"  # its paging (one screen of cards at a time)
# home page: search and paging (the list of programme buurten grows to 1,000)
HOME_SEARCH = "home-search"
HOME_PAGE = "home-page"
VERGELIJK_FUNNEL_NOTE = "vergelijk-funnel-note"  # φ of the funnel in words

# public pages (/publiek, /publiek/buurt/<slug>, /indicatoren) and the role-aware shell
NAV_LINKS = "shell-nav-links"  # the navigation links, filled per role
HOME_START = "home-start"  # the role's own starting points on /
PUBLIC_MAP = "publiek-map"
PUBLIC_LIST = "publiek-list"
PUBLIC_LIST_PAGE = "publiek-list-page"  # dbc.Pagination under the landing page's list (a page at a time)
PUBLIC_LIST_STATUS = "publiek-list-status"
PUBLIC_REPORTS = "publiek-reports"
INDICATOREN_TABLE = "indicatoren-table"
PUBLIC_SEARCH = "publiek-search"
PUBLIC_SEARCH_GO = "publiek-search-go"  # dcc.Location the landing page's search navigates with

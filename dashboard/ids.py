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
TRANSITIE_CAND_WEIGHTS = "transitie-cand-weights"  # container of the weight sliders
TRANSITIE_CAND_GRID = "transitie-cand-grid"
TRANSITIE_CAND_INFO = "transitie-cand-info"
TRANSITIE_CAND_CSV = "transitie-cand-csv"
TRANSITIE_CAND_DOWNLOAD = "transitie-cand-download"
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

# beheer (/beheer/...): users, audit log, uploads
BEHEER_PREFIX = "beheer"

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
LEREND_URL_SYNC = "lerend-url-sync"
LEREND_BUURT_SECTION = "lerend-buurt-section"  # the learning partners on /buurt/<slug>

# transitie (/transitie)
TRANSITIE_PREFIX = "transitie"

# best practices (/best-practices) and menukaart (/menukaart)
BEST_PREFIX = "best"

# buurtnetwerk inputs (/buurt/<slug>/netwerk): narrative, agenda, reviews, adoption counts
NETWERK_PREFIX = "netwerk"

# beheer (/beheer/...): users, audit log, uploads
BEHEER_PREFIX = "beheer"

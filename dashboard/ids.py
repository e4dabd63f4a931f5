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

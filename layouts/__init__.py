"""Page skeletons: callable without arguments, never reading the database; data arrives through callbacks."""

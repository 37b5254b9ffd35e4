"""partnerkit connector for Google Analytics 4 (google-analytics-data) (being written)."""

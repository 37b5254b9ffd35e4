"""partnerkit connector for CSV, Excel and Parquet exports (placeholder, being written)."""

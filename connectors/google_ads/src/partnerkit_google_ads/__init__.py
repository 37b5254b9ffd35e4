"""partnerkit connector for Google Ads (google-ads) (being written)."""

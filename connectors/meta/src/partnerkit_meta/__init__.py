"""partnerkit connector for Meta Ads (facebook-business) (being written)."""

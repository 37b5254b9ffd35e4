"""partnerkit connector for HubSpot CRM (hubspot-api-client) (being written)."""

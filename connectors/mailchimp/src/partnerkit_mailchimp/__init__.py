"""partnerkit connector for Mailchimp (the Marketing API 3.0 campaign reports, with requests).

One stream, ``email_campaigns``: each campaign sent in the range as an
:class:`~partnerkit.records.EmailCampaignRecord` (sent, delivered, bounces, opens,
clicks, unsubscribes, spam reports; rates are derived by :mod:`partnerkit.email`). The
Marketing API is plain REST, so no SDK is needed: the connector calls it with
``requests`` through partnerkit's HTTP seam. See ``docs/connectors/mailchimp.md``.
"""

from partnerkit_mailchimp._connector import (
    MAX_PAGE_SIZE,
    REPORT_FIELDS,
    MailchimpConnector,
    MailchimpSettings,
)

__all__ = ["MAX_PAGE_SIZE", "REPORT_FIELDS", "MailchimpConnector", "MailchimpSettings"]

"""Settings: ids, versions, levels, attribution, the actions mapping, secrets, import cost."""

from __future__ import annotations

import json

import pytest
from partnerkit_meta import ActionMapping, ActionRule, MetaConnector, MetaSettings

from partnerkit.errors import ConfigurationError

TOKEN = "test-token-not-real"


def settings(**values) -> MetaSettings:
    return MetaConnector.load_settings({"access_token": TOKEN, "accounts": ["1"], **values})


def test_account_ids_are_normalised_and_checked() -> None:
    assert settings(accounts=["1029384756", " act_2048576001 ", "act_1029384756"]).accounts == [
        "act_1029384756",
        "act_2048576001",
    ]
    assert settings(accounts="act_5").accounts == ["act_5"]
    with pytest.raises(ConfigurationError, match="'pixel-42' is not a Meta ad account id"):
        settings(accounts=["pixel-42"])
    with pytest.raises(ConfigurationError, match="accounts"):
        MetaConnector.load_settings({"access_token": TOKEN, "accounts": []})


def test_the_api_version_defaults_to_the_sdks() -> None:
    from facebook_business.api import FacebookAdsApi

    assert settings().api_version == FacebookAdsApi.API_VERSION
    assert settings(api_version="25.0").api_version == "v25.0"
    with pytest.raises(ConfigurationError, match="'vlatest' is not a Graph API version"):
        settings(api_version="latest")


def test_levels_and_their_aliases() -> None:
    assert settings().level == "campaign"
    assert settings(level="ad_set").level == "adset"
    assert settings(level="AD").level == "ad"
    with pytest.raises(ConfigurationError, match="'keyword' is not an insights level"):
        settings(level="keyword")


def test_attribution_windows_are_checked_and_ordered() -> None:
    assert settings().attribution is None  # the ad sets' own setting, as in Ads Manager
    chosen = settings(attribution_windows=["1d_view", "7d_click"])
    assert chosen.attribution_windows == ("7d_click", "1d_view")
    assert chosen.attribution == "7d_click_1d_view"
    with pytest.raises(ConfigurationError, match="1d_click and 7d_click overlap"):
        settings(attribution_windows=["1d_click", "7d_click"])
    with pytest.raises(ConfigurationError, match="unknown attribution window '28d_view'"):
        settings(attribution_windows=["28d_view"])


def test_the_default_mapping_reads_one_lead_type() -> None:
    mapping = ActionMapping()
    assert mapping.leads == ActionRule(action_types=("lead",))
    assert mapping.conversions == ActionRule(action_types=("omni_purchase", "purchase"))
    assert mapping.conversion_value == mapping.conversions
    assert mapping.extra == {"landing_page_views": ActionRule(action_types=("landing_page_view",))}
    assert "offsite_conversion.fb_pixel_lead" not in mapping.mapped_action_types()


def test_summing_a_total_with_its_part_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="'lead' already contains"):
        settings(
            actions={
                "leads": {
                    "action_types": ["lead", "offsite_conversion.fb_pixel_lead"],
                    "combine": "sum",
                }
            }
        )
    with pytest.raises(ConfigurationError, match="'omni_purchase' already contains 'purchase'"):
        settings(
            actions={
                "conversions": {"action_types": ["purchase", "omni_purchase"], "combine": "sum"}
            }
        )
    # the parts of lead, or two custom conversions, are different events: allowed
    parts = ActionRule.model_validate(
        {
            "action_types": ["offsite_conversion.fb_pixel_lead", "onsite_conversion.lead_grouped"],
            "combine": "sum",
        }
    )
    assert parts.combine == "sum"
    assert ActionRule.model_validate(["a", "a", "b"]).action_types == ("a", "b")
    assert ActionRule.model_validate("lead").action_types == ("lead",)


def test_extra_names_must_be_column_names() -> None:
    with pytest.raises(ConfigurationError, match="extra name 'Landing Page Views'"):
        settings(actions={"extra": {"Landing Page Views": ["landing_page_view"]}})


def test_usage_slowdown_is_checked() -> None:
    assert settings(usage_slowdown={"90": 30, "75": 5}).usage_slowdown == {75.0: 5.0, 90.0: 30.0}
    with pytest.raises(ConfigurationError, match="usage_slowdown"):
        settings(usage_slowdown={150: 5})


def test_everything_can_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PARTNERKIT_META_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("PARTNERKIT_META_APP_SECRET", "test-app-secret-not-real")
    monkeypatch.setenv("PARTNERKIT_META_ACCOUNTS", '["act_1029384756"]')
    monkeypatch.setenv("PARTNERKIT_META_LEVEL", "ad")
    monkeypatch.setenv("PARTNERKIT_META_ACTIONS", json.dumps({"leads": ["lead"], "extra": {}}))
    connector = MetaConnector()
    assert connector.settings.accounts == ["act_1029384756"]
    assert connector.settings.level == "ad"
    assert connector.settings.actions.extra == {}


def test_secrets_never_show() -> None:
    connector = MetaConnector(
        {"access_token": TOKEN, "app_secret": "test-app-secret-not-real", "accounts": ["1"]}
    )
    shown = repr(connector) + str(connector.settings) + connector.settings.model_dump_json()
    assert TOKEN not in shown
    assert "test-app-secret-not-real" not in shown


def test_the_public_surface_is_small_and_complete() -> None:
    import importlib
    import pkgutil

    import partnerkit_meta

    assert partnerkit_meta.__all__ == [
        "ActionMapping",
        "ActionRule",
        "BreakdownRejectedError",
        "MetaConnector",
        "MetaSettings",
    ]
    for info in pkgutil.iter_modules(partnerkit_meta.__path__):
        # testing: the connector's own fault kit, public for tests that script Meta errors;
        # graph: the SDK facade and error rules, shared with partnerkit-meta-pages
        assert info.name.startswith("_") or info.name in ("testing", "graph"), info.name
        module = importlib.import_module(f"partnerkit_meta.{info.name}")
        assert all(hasattr(module, name) for name in module.__all__), info.name

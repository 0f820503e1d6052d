"""The OpenAPI document as committed in openapi/openapi.json."""

from typing import Any

from pydantic import SecretStr

from app.config import Settings
from app.main import create_app


def openapi_document() -> dict[str, Any]:
    # The document does not depend on secrets or the database; placeholders keep it reproducible.
    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:",
        api_key_pepper=SecretStr("x" * 32),
        token_secret=SecretStr("x" * 32),
    )
    return create_app(settings).openapi()

"""Settings from the environment (prefix CONFER_). Secrets have no defaults."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONFER_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./confer.db"
    # `confer migrate` connects with this (the tables' owner) when set; the app itself uses
    # database_url, a role that owns nothing and may only append to the audit tables.
    migration_database_url: str | None = None
    # Key of the keyed hash (HMAC-SHA-256) of API keys: a stolen table alone cannot be checked.
    api_key_pepper: SecretStr = Field(min_length=32)
    # Signs the short-lived access tokens this service issues (HS256).
    token_secret: SecretStr = Field(min_length=32)
    # Bootstrap platform-admin credential: creates the first agencies and their admins.
    bootstrap_admin_key: SecretStr | None = Field(default=None, min_length=32)

    # Ed25519 key (base64 of its 32 raw bytes) that signs audit checkpoints.
    audit_signing_key: SecretStr | None = None
    # PostgreSQL: how often the sealer chains new audit entries.
    seal_interval_seconds: float = 0.5

    public_base_url: str = "http://127.0.0.1:8000"
    access_token_ttl_seconds: int = 300
    # How long a worker remembers an API key's row (0: look it up on every request); a revocation
    # reaches the other workers within this time (decision 0002).
    api_key_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    client_assertion_max_lifetime_seconds: int = 300

    # Rate limits per principal (the `limits` library's notation) and their storage.
    rate_limit: str = "600/minute"
    token_rate_limit: str = "60/minute"  # noqa: S105 (a rate, not a secret)
    rate_limit_storage_url: str = "memory://"

    max_body_bytes: int = 1_000_000
    max_page_size: int = 100
    default_page_size: int = 50
    log_level: str = "INFO"

    @property
    def token_url(self) -> str:
        return self.public_base_url.rstrip("/") + "/oauth2/token"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()  # values come from the environment
